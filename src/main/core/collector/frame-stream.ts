import type { Snapshot } from '../../../shared/domain.ts';
import { FrameDecoder } from './frame-decoder.ts';
import type { FramePacer } from './frame-pacer.ts';
import { frameMonotonic, parseFrame } from './parse-frame.ts';
import { WgDeltaAssembler } from './wg-delta.ts';

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
  /**
   * A delta frame could not be applied (one was lost): the frames until the next whole one are
   * dropped, and the session asks the collector for one now.
   */
  onKeyframeNeeded?: () => void;
}

/** Bytes from the collector channel in, parsed snapshots out: decoder, delta frames, pacer and parser joined. */
export function createFrameStream(handlers: FrameStreamHandlers): { push(chunk: Buffer): void; end(): void } {
  const decoder = new FrameDecoder({ onDrop: handlers.onDrop, onFatal: handlers.onFatal });
  const pacer = handlers.pacer;
  const deltas = new WgDeltaAssembler();
  const deliver = (frames: ReturnType<FrameDecoder['push']>): void => {
    for (const delivered of frames) {
      // Every frame, before the pacer: a delta it refused would leave the state behind.
      const whole = deltas.apply(delivered);
      if (!whole.ok) {
        handlers.onDrop(whole.reason);
        handlers.onKeyframeNeeded?.();
        continue;
      }
      const raw = whole.frame;
      if (pacer && !pacer.admit(frameMonotonic(raw))) continue;
      const result = parseFrame(deltas.assembled(raw));
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
