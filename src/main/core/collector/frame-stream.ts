import type { Snapshot } from '../../../shared/domain.ts';
import { FrameDecoder } from './frame-decoder.ts';
import type { FramePacer } from './frame-pacer.ts';
import { frameMonotonic, parseFrame } from './parse-frame.ts';

export interface FrameStreamHandlers {
  onSnapshot: (snapshot: Snapshot) => void;
  /** A frame was dropped or output skipped; the stream goes on. */
  onDrop: (reason: string) => void;
  /** The remote script gave up before its first frame (e.g. `no-wg`). */
  onFatal: (code: string, message: string) => void;
  /** Non-critical problems inside an otherwise good frame (e.g. no disk figures). */
  onWarning?: (warning: string) => void;
  /**
   * Decides which frames are taken, by how fast they come (it counts the others). Every frame of a
   * collector stream goes through here, so this is the one gate against a flooding server; it is
   * asked before the frame is parsed, so refused frames cost next to nothing.
   */
  pacer?: FramePacer;
}

/** Bytes from the collector channel in, parsed snapshots out: decoder, pacer and parser joined. */
export function createFrameStream(handlers: FrameStreamHandlers): { push(chunk: Buffer): void; end(): void } {
  const decoder = new FrameDecoder({ onDrop: handlers.onDrop, onFatal: handlers.onFatal });
  const pacer = handlers.pacer;
  const deliver = (frames: ReturnType<FrameDecoder['push']>): void => {
    for (const raw of frames) {
      if (pacer && !pacer.admit(frameMonotonic(raw))) continue;
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
