/**
 * Whether a series is present at a time, from its gone/back events (a peer removed from the config, an
 * interface gone, a metric the server stopped reporting). Samples in absent stretches are gaps.
 */
import type { HistoryCore } from './core.ts';
import { EVENT_BACK } from './model.ts';

export class Presence {
  readonly times: number[];
  readonly back: boolean[];
  #i = -1;

  constructor(times: number[], back: boolean[]) {
    this.times = times;
    this.back = back;
  }

  /** Present at `t`? Before the first event: absent if that event is a (first) appearance. */
  at(t: number): boolean {
    const n = this.times.length;
    if (n === 0) return true;
    while (this.#i + 1 < n && this.times[this.#i + 1]! <= t) this.#i++;
    while (this.#i >= 0 && this.times[this.#i]! > t) this.#i--;
    if (this.#i < 0) return !this.back[0]!;
    return this.back[this.#i]!;
  }

  /** Absent stretches intersecting [from, to), as [start, end] pairs. */
  absences(from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    let start: number | null = this.at(from) ? null : from;
    for (let i = 0; i < this.times.length; i++) {
      const t = this.times[i]!;
      if (t < from) continue;
      if (t >= to) break;
      if (!this.back[i]! && start === null) start = t;
      else if (this.back[i]! && start !== null) {
        out.push([start, t]);
        start = null;
      }
    }
    if (start !== null) out.push([start, to]);
    return out;
  }
}

/** Events of `psid` in [from, to) and the last one before `from`. */
const ALWAYS = new Presence([], []);

export function loadPresence(core: HistoryCore, psid: number, from: number, to: number): Presence {
  const s = core.series(psid);
  // Present now and no gone/back event since before `from`: present throughout.
  if (s?.carriesPresence && s.present && s.presenceAt < from) return ALWAYS;
  const times: number[] = [];
  const back: boolean[] = [];
  const before = core.s.presenceBefore.get(psid, from) as { t: number; kind: number } | undefined;
  if (before) {
    times.push(before.t);
    back.push(before.kind === EVENT_BACK);
  }
  for (const row of core.s.presenceRange.all(psid, from, to) as { t: number; kind: number }[]) {
    times.push(row.t);
    back.push(row.kind === EVENT_BACK);
  }
  return new Presence(times, back);
}
