/**
 * V8 flags for every process that runs the engine (the app's engine process, `wgdeck serve` and
 * `collect`, the scale benchmark).
 *
 * The young generation: V8 grows each semi-space up to 16 MiB as objects keep surviving scavenges,
 * and a long-running engine's do (every interval's live state lives 5 s). The pages stay resident
 * after it shrinks again, so they were most of the engine's memory growth with a fleet: measured on
 * 2 lab servers × 1,000 peers, RSS beyond the empty engine 32 → 17 MiB with 2 MiB semi-spaces, for
 * no measurable engine CPU (1.6 % of a core either way; the engine allocates ~0.2 MiB/s there).
 *
 * `--optimize-for-size`: V8 then grows the old generation less between major collections (and keeps
 * less optimized code). `npm run bench -- scale`, 20 lab servers × 1,000 peers, delta frames: RSS per
 * 1,000 peers beyond the empty engine 5.73 → 3.15 MiB (committed heap 82 → 60 MiB, live heap the
 * same), engine CPU 2.3 → 2.4 % of a core (whole frames 5.4 → 6.6 %), no refused frame either way.
 *
 * bin/wgdeck passes the same flags (a shell script cannot import this; a test holds them equal).
 */
export const ENGINE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size'];

/**
 * The engine's environment, for the same processes (bin/wgdeck exports the same; a test holds them
 * equal). glibc's malloc only: macOS and musl ignore these.
 *
 * `MALLOC_ARENA_MAX=2`: glibc gives threads that malloc at the same time arenas of their own, up to
 * 8 per core, and what one arena frees only that arena reuses. V8's background threads (concurrent
 * marking, compilation) allocate that way, so their arenas kept growing with the fleet. Measured on
 * 20 lab servers × 1,000 peers (delta frames, 40 s windows, two runs each loaded, one empty): RSS
 * beyond the empty engine 3.04 → 2.59 MiB per 1,000 peers (the thread arenas, from smaps,
 * 26.7 → 9.8 MiB), engine CPU 2.7 → 2.85 % of a core.
 *
 * `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_` and `MALLOC_TOP_PAD_`: glibc raises its mmap
 * threshold each time a big mmapped block is freed (up to 32 MiB), so from then on big blocks come
 * from the arena, and what they free in its middle stays resident: malloc_stats() of a loaded
 * engine showed 30.8 MB in the main arena with 20.7 MB in use (which allocations those are was not
 * traced). Fixed at 32 KiB, blocks from there up are mapped and unmapped on their own, and the
 * arena gives back its top past 32 KiB without padding. Same lab, two engines each loaded and empty,
 * interleaved: RSS loaded 153 → 133.5 MiB, empty 108.6 → 99.4 MiB, beyond the empty engine 2.22 →
 * 1.71 MiB per 1,000 peers; engine CPU 2.3–2.5 → 2.5–3.2 % of a core (within this box's run-to-run
 * spread). 16 KiB measured the same within the noise (1.65), 64 KiB less (1.80); one arena instead
 * of two made no difference once the thresholds were fixed. `npm run bench -- scale` then: 1.78 MiB
 * (1.86 MB) per 1,000 peers, the median of three engines each (134.2–135.3 vs 99.1–99.5 MiB).
 */
export const ENGINE_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '32768',
  MALLOC_TOP_PAD_: '0',
};
