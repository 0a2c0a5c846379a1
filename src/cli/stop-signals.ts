/**
 * Waits for the signal to stop (SIGINT from Ctrl+C, SIGTERM from systemd or a container runtime).
 * Ctrl+C reaches every process of the terminal's group (npm start, this): the first signal stops
 * cleanly, a second one while stopping does not cut that short, a third forces the exit (130).
 * Returns which signal came first.
 */
export function onStopSignals(
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
  forceExit: (code: number) => void = (code) => process.exit(code),
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) resolve(signal);
      if (signals === 3) forceExit(130);
    };
    target.on('SIGINT', onSignal);
    target.on('SIGTERM', onSignal);
  });
}
