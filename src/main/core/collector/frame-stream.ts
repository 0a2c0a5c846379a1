import type { Snapshot } from '../../../shared/domain.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { parseFrame } from './parse-frame.ts';

export interface FrameStreamHandlers {
  onSnapshot: (snapshot: Snapshot) => void;
  /** A frame was dropped or output skipped; the stream goes on. */
  onDrop: (reason: string) => void;
  /** The remote script gave up before its first frame (e.g. `no-wg`). */
  onFatal: (code: string, message: string) => void;
  /** Non-critical problems inside an otherwise good frame (e.g. no disk figures). */
  onWarning?: (warning: string) => void;
}

/** Bytes from the collector channel in, parsed snapshots out: decoder and parser joined. */
export function createFrameStream(handlers: FrameStreamHandlers): { push(chunk: Buffer): void; end(): void } {
  const decoder = new FrameDecoder({ onDrop: handlers.onDrop, onFatal: handlers.onFatal });
  const deliver = (frames: ReturnType<FrameDecoder['push']>): void => {
    for (const raw of frames) {
      const result = parseFrame(raw);
      if (!result.ok) {
        handlers.onDrop(result.error);
        continue;
      }
      for (const warning of result.warnings) handlers.onWarning?.(warning);
      handlers.onSnapshot(result.snapshot);
    }
  };
  return {
    push: (chunk) => deliver(decoder.push(chunk)),
    end: () => deliver(decoder.end()),
  };
}
