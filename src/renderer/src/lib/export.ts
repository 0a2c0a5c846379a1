/**
 * Chart export: CSV text and PNG pictures, downloaded from the page. The PNG needs no CSP change:
 * each chart SVG is serialized (computed styles inlined) and loaded as a `data:` image, which
 * `img-src 'self' data:` allows, then drawn on a canvas with the title, caption and legend; the
 * result is downloaded through an object URL on an <a download> (a download, not a navigation or an
 * image load, so `blob:` needs no CSP entry).
 */

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function downloadCsv(text: string, fileName: string): void {
  downloadBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), fileName);
}

const INLINED = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** An SVG as a standalone document: computed presentation styles inlined, sized, namespaced. */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const target = [clone, ...Array.from(clone.querySelectorAll('*'))];
  source.forEach((el, i) => {
    const style = getComputedStyle(el);
    const out = target[i] as SVGElement | undefined;
    if (!out) return;
    const declarations = INLINED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';');
    out.setAttribute('style', `${declarations};${out.getAttribute('style') ?? ''}`);
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  return new XMLSerializer().serializeToString(clone);
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    img.src = src;
  });
}

function opaque(color: string): boolean {
  return color !== '' && color !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(color);
}

/** The colour behind an element: its own background or the nearest opaque ancestor's. */
function backgroundOf(el: HTMLElement): string {
  for (let node: HTMLElement | null = el; node; node = node.parentElement) {
    const bg = getComputedStyle(node).backgroundColor;
    if (opaque(bg)) return bg;
  }
  return '#ffffff';
}

/** Text wrapped at word boundaries to `maxWidth`, one fillText per line. */
function drawWrapped(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  lineHeight: number,
): void {
  const words = text.split(/\s+/).filter((w) => w !== '');
  let line = '';
  let top = y;
  for (const word of words) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && ctx.measureText(next).width > maxWidth) {
      ctx.fillText(line, x, top + lineHeight / 2);
      top += lineHeight;
      line = word;
    } else line = next;
  }
  if (line !== '') ctx.fillText(line, x, top + lineHeight / 2);
}

const PAD = 16;
const TITLE_HEIGHT = 26;

/**
 * Draws `root` as a PNG under a `title`: every chart SVG in it and the elements marked
 * `data-export="text"` (captions, legend labels, chart titles) or `data-export="swatch"` (legend
 * keys), each where it sits on screen, on the panel's background, at twice the resolution.
 */
export async function exportPng(root: HTMLElement, fileName: string, title: string): Promise<void> {
  const box = root.getBoundingClientRect();
  const scale = 2;
  const width = box.width + 2 * PAD;
  const height = box.height + 2 * PAD + TITLE_HEIGHT;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This window cannot draw images (no canvas).');
  ctx.scale(scale, scale);
  const rootStyle = getComputedStyle(root);
  ctx.fillStyle = backgroundOf(root);
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = rootStyle.color;
  ctx.font = `600 15px ${rootStyle.fontFamily}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, PAD, PAD + TITLE_HEIGHT / 2 - 4);

  const ox = PAD - box.left;
  const oy = PAD + TITLE_HEIGHT - box.top;
  for (const svg of Array.from(
    root.querySelectorAll<SVGSVGElement>('svg.recharts-surface, svg[data-export="svg"]'),
  )) {
    const r = svg.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const img = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(serializeSvg(svg))}`);
    ctx.drawImage(img, r.left + ox, r.top + oy, r.width, r.height);
  }
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-export="swatch"]'))) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    ctx.fillStyle = opaque(style.backgroundColor) ? style.backgroundColor : style.borderTopColor;
    const h = Math.max(2, r.height);
    if (el.dataset['dashed'] !== undefined) {
      for (let x = 0; x < r.width; x += 6)
        ctx.fillRect(r.left + ox + x, r.top + oy, Math.min(3.5, r.width - x), h);
    } else ctx.fillRect(r.left + ox, r.top + oy, r.width, h);
  }
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-export="text"]'))) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const fontSize = parseFloat(style.fontSize) || 12;
    const lineHeight = parseFloat(style.lineHeight) || fontSize * 1.45;
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'middle';
    drawWrapped(ctx, el.textContent ?? '', r.left + ox, r.top + oy, r.width + 1, lineHeight);
  }

  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The chart could not be encoded as PNG.');
  downloadBlob(blob, fileName);
}
