export interface StreamFlags {
  wholeFrames?: true;
}

/** EngineOptions.keyframeEvery for the flag: 0 sends every frame whole; undefined keeps the default. */
export function keyframeEveryOf(values: StreamFlags): number | undefined {
  return values.wholeFrames ? 0 : undefined;
}
