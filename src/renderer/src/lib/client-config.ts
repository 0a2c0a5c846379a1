/**
 * A new peer's client config on screen. The QR code arrives as SVG text from the engine; it is shown
 * as an <img> from a `data:` URL (which `img-src 'self' data:` allows), never injected as markup, so
 * nothing in it can run or touch the page.
 */

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** A safe download name: the engine's, else one made from the peer's name. */
export function downloadName(fileName: string, fallback = 'wg-client.conf'): string {
  const cleaned = [...fileName]
    .map((c) => (c.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return fallback;
  return cleaned.endsWith('.conf') ? cleaned : `${cleaned}.conf`;
}
