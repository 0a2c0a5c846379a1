import { RawSection, type RawFrame } from './frame-decoder.ts';

/**
 * Turns delta frames back into whole ones, before anything else reads them (issue 14: a server with
 * 1,000 idle peers sends only what changed). The collector's `wg` section is either whole,
 * `@wgdeck wg <rc>` and the masked dump, or a delta, `@wgdeck wg 0 delta <base>`: `+ <line>` for each
 * dump line new or changed since frame `<base>`, `- <key>` for each one gone (sections/wg.ts). A line's
 * key is its interface name, and for a peer line the interface and the public key.
 *
 * The dump is kept as interfaces in order, each with its peers in order (the dump parser reads a peer
 * under the interface line before it): a changed line keeps its place, a new peer goes last in its
 * interface, a new interface last. A delta that is not against the frame last applied (a frame was
 * dropped on the way, or the stream restarted) is refused, and so is every frame after it until a whole
 * one comes: the engine asks for one (`needKeyframe`) and never builds a state from a partial picture.
 */
export type DeltaOutcome = { ok: true; frame: RawFrame } | { ok: false; reason: string };

interface InterfaceLines {
  line: string;
  peers: Map<string, string>;
}

const TAB = '\t';

/** Tabs in a dump line: 4 for an interface, 8 for a peer. */
function tabs(line: string): number {
  let count = 0;
  for (let i = line.indexOf(TAB); i !== -1; i = line.indexOf(TAB, i + 1)) count++;
  return count;
}

export class WgDeltaAssembler {
  #interfaces: Map<string, InterfaceLines> | null = null;
  #seq: number | null = null;

  /** Whether a whole frame is needed before deltas can be applied again. */
  get needKeyframe(): boolean {
    return this.#interfaces === null;
  }

  apply(frame: RawFrame): DeltaOutcome {
    const section = frame.sections['wg'];
    if (!section) return { ok: true, frame };
    const [rc, mode, baseText] = section.args;
    if (mode === undefined) {
      // Whole: remembered (when wg answered) for the deltas after it.
      this.#interfaces = rc === '0' && section.args.length === 1 ? this.#read(section.lines) : null;
      this.#seq = this.#interfaces ? frame.seq : null;
      return { ok: true, frame };
    }
    if (mode !== 'delta' || section.args.length !== 3 || rc !== '0' || !/^\d{1,15}$/.test(baseText ?? ''))
      return this.#lost(`wg: expected "0 delta <frame>", got "${section.args.join(' ').slice(0, 60)}"`);
    const base = Number(baseText);
    if (this.#interfaces === null || this.#seq !== base)
      return this.#lost(
        `wg: a delta against frame ${base}, but the last whole state is ${this.#seq ?? 'none'}`,
      );
    const error = this.#applyLines(this.#interfaces, section.lines);
    if (error) return this.#lost(`wg: ${error}`);
    this.#seq = frame.seq;
    const sections = { ...frame.sections, wg: new RawSection(['0'], Buffer.from(this.#text(), 'utf8')) };
    return { ok: true, frame: { seq: frame.seq, sections } };
  }

  #lost(reason: string): DeltaOutcome {
    this.#interfaces = null;
    this.#seq = null;
    return { ok: false, reason };
  }

  /** A whole dump → interfaces and peers; null when a line is neither (the parser will say why). */
  #read(lines: readonly string[]): Map<string, InterfaceLines> | null {
    const interfaces = new Map<string, InterfaceLines>();
    let current: InterfaceLines | null = null;
    for (const line of lines) {
      if (line === '') continue;
      const count = tabs(line);
      const name = line.slice(0, line.indexOf(TAB));
      if (count === 4) {
        current = { line, peers: new Map() };
        interfaces.set(name, current);
      } else if (count === 8 && current && interfaces.get(name) === current) {
        current.peers.set(line.slice(0, line.indexOf(TAB, name.length + 1)), line);
      } else return null;
    }
    return interfaces;
  }

  /** Applies `+`/`-` lines in place; says what did not fit (the state is then thrown away). */
  #applyLines(interfaces: Map<string, InterfaceLines>, lines: readonly string[]): string | null {
    const removals: string[] = [];
    for (const raw of lines) {
      if (raw === '') continue;
      const op = raw.slice(0, 2);
      const body = raw.slice(2);
      if (op === '- ') {
        removals.push(body);
        continue;
      }
      if (op !== '+ ') return `a delta line that is neither "+ " nor "- ": "${raw.slice(0, 40)}"`;
      const count = tabs(body);
      const name = body.slice(0, body.indexOf(TAB));
      if (count === 4) {
        const known = interfaces.get(name);
        if (known) known.line = body;
        else interfaces.set(name, { line: body, peers: new Map() });
      } else if (count === 8) {
        const iface = interfaces.get(name);
        if (!iface) return `a peer of ${name.slice(0, 20)}, which the state does not have`;
        iface.peers.set(body.slice(0, body.indexOf(TAB, name.length + 1)), body);
      } else return `a line of ${count + 1} fields`;
    }
    // Removals after upserts: a peer that moved interfaces is both, in either order in the text.
    for (const key of removals) {
      const at = key.indexOf(TAB);
      if (at === -1) interfaces.delete(key);
      else interfaces.get(key.slice(0, at))?.peers.delete(key);
    }
    return null;
  }

  #text(): string {
    let text = '';
    for (const iface of this.#interfaces!.values()) {
      text += `${iface.line}\n`;
      for (const line of iface.peers.values()) text += `${line}\n`;
    }
    return text;
  }
}
