export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the durations in ms. */
export async function timeRuns(runs: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Like timeRuns, but each run first makes a fresh input with `setup`, which is not measured. */
export async function timeRunsAfter<T>(
  runs: number,
  warmup: number,
  setup: () => T,
  fn: (input: T) => unknown,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(setup());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = setup();
    const start = performance.now();
    await fn(input);
    times.push(performance.now() - start);
  }
  return times;
}

export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

export interface BarResult {
  name: string;
  ok: boolean;
  detail: string;
}

export function bar(name: string, ok: boolean, detail: string): BarResult {
  return { name, ok, detail };
}
