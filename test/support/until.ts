/** Waits for a condition (polled every 20 ms), failing with what was awaited after `timeoutMs`. */
export function until(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (probe()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`${what}: not within ${timeoutMs} ms`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
