/**
 * Optional measurement of what one live update costs the page: store update + React render + layout.
 * Enabled only by `measure=1` in the URL (the benchmark opens the app that way); otherwise a no-op, so
 * normal use never forces an early layout.
 */
const enabled =
  typeof location !== 'undefined' && new URLSearchParams(location.search).get('measure') === '1';

export const UPDATE_MEASURE = 'wgdeck:live-update';

export function measureUpdate(started: number): void {
  if (!enabled) return;
  // A message callback runs after React's microtask-scheduled render has committed; reading
  // offsetHeight then forces the layout the browser would otherwise do before the next paint.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    void document.body.offsetHeight;
    performance.measure(UPDATE_MEASURE, { start: started, end: performance.now() });
    channel.port1.close();
  };
  channel.port2.postMessage(null);
}

export function updateStart(): number {
  return enabled ? performance.now() : 0;
}
