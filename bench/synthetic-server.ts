import { createFrameStream } from '../src/main/core/collector/frame-stream.ts';
import { makeDumpText, makeFrameText } from '../src/main/core/collector/fixtures.ts';
import { ServerTracker } from '../src/main/core/state/server-tracker.ts';
import { DEFAULT_THRESHOLDS, type ServerLive, type Snapshot } from '../src/shared/domain.ts';

/**
 * Successive live states of one server of `peers` peers, through the real parser and tracker: poll 0
 * is the starting point; at every later poll the same one peer in `every` (the busy ones) receives
 * and sends more bytes (bytes only ever grow), the rest stay exactly as they were.
 */
export function syntheticServerStates(options: {
  name: string;
  peers: number;
  polls: number;
  every: number;
  seed: number;
}): ServerLive[] {
  const lines = makeDumpText({ interfaces: 1, peersPerInterface: options.peers, seed: options.seed })
    .trimEnd()
    .split('\n');
  let snapshot: Snapshot | null = null;
  const stream = createFrameStream({
    onSnapshot: (s) => (snapshot = s),
    onDrop: (reason) => {
      throw new Error(reason);
    },
    onFatal: () => undefined,
  });
  const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
  const states: ServerLive[] = [];
  for (let poll = 0; poll <= options.polls; poll++) {
    for (let i = 0; i < lines.length; i++) {
      const fields = lines[i]!.split('\t');
      if (fields.length !== 9 || poll === 0 || i % options.every !== 0) continue;
      fields[6] = String(Number(fields[6]) + 1000 * poll * i);
      fields[7] = String(Number(fields[7]) + 500 * poll * i);
      lines[i] = fields.join('\t');
    }
    const frame = makeFrameText({
      seq: poll + 1,
      serverTime: 1_750_000_000 + poll * 5,
      uptime: 500 + poll * 5,
      dumpText: `${lines.join('\n')}\n`,
    });
    stream.push(Buffer.from(frame));
    const tracked = tracker.apply(snapshot!);
    states.push({
      name: options.name,
      host: '198.18.1.2',
      state: 'connected',
      updatedAt: poll,
      serverTime: tracked.serverTime,
      interfaces: tracked.interfaces,
      system: tracked.system,
      droppedFrames: 0,
    });
  }
  return states;
}
