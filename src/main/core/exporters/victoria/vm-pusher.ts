import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants, gzip } from 'node:zlib';
import type { ExporterStatus, MetricNameProfile } from '../../../../shared/exporter-settings.ts';
import type { PollSink } from '../exporter-service.ts';
import { ExpositionWriter } from '../exposition.ts';
import { fleetSeries, type ServerMetricsInput } from '../fleet-series.ts';
import { PushFailure, pushBody, type VmCredentials } from './vm-client.ts';
import type { BufferedRecord, SegmentStore } from './segment-store.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

/** Fast compression, off the event loop (zlib's thread pool): at 10,000 peers a poll is ~9 MB of text. */
const GZIP = { level: constants.Z_BEST_SPEED };
/**
 * The outage buffer keeps polls as brotli with a 16 MB window: a poll prints each peer's key in
 * every family, ~100 KB apart at 1,000 peers, out of gzip's 32 KB reach. Measured at 1,000 peers:
 * 80 KB a poll against gzip's 213 KB, in about the same time, so 24 h of outage fits in 2 GiB
 * (`npm run bench -- push`). VictoriaMetrics takes gzip, so a replayed batch is re-compressed.
 */
const BROTLI = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 24 },
};
/** A replay takes about this much of the buffer per request (~10 MB of text, ~2.5 MB sent). */
const REPLAY_BATCH_BYTES = 1024 ** 2;
/** Polls held in memory while a push is slow, before they go to disk. */
const MEMORY_LIMIT_BYTES = 64 * 1024 ** 2;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** What close() waits for a push in flight before it saves the rest (SIGTERM must end soon). */
const CLOSE_WAIT_MS = 5_000;

export interface VmPusherOptions {
  url: string;
  credentials: VmCredentials;
  /** The outage buffer; null when another process holds it (then nothing is pushed, and it says so). */
  store: SegmentStore | null;
  /** Why there is no store (another process pushes from this data directory). */
  storeUnavailable?: string;
  names: MetricNameProfile;
  nameOf?: (server: string, iface: string, publicKey: string) => string | null;
  log?: (message: string) => void;
  now?: () => number;
  /** After close() saved everything (releases the buffer's lock). */
  onClosed?: () => void;
}

interface Poll {
  text: string;
  samples: number;
}

/**
 * The VictoriaMetrics push (seed 000): every poll of every server, as the text format with each
 * sample stamped by its server's own clock, to `/api/v1/import/prometheus`.
 *
 * One sender, in arrival order. While VictoriaMetrics takes the pushes, polls go straight from memory
 * (several at once when one push is slow). When a push fails it and everything after it goes to the
 * disk buffer (SegmentStore), which is then sent oldest first, in batches, until it is empty: an
 * outage loses nothing, and VictoriaMetrics receives every sample once and in order.
 */
export class VmPusher implements PollSink {
  readonly #options: VmPusherOptions;
  readonly #store: SegmentStore | null;
  readonly #now: () => number;
  /** One writer per server: each keeps its server's printed series between polls (exposition.ts). */
  readonly #writers = new Map<string, ExpositionWriter>();
  #memory: Poll[] = [];
  #memoryBytes = 0;
  /** True from a failed push until the disk buffer is empty again: new polls go to disk meanwhile. */
  #buffering = false;
  /** Samples of the polls being pushed from memory now (0: none): still backlog until taken. */
  #memoryInFlight = 0;
  /** Samples on their way to disk (being compressed): still backlog until appended. */
  #toDiskSamples = 0;
  /** close() was called: what is held is sent once more (no back-off), until CLOSE_WAIT_MS. */
  #closing = false;
  /** Nothing more is sent. */
  #closed = false;
  #lastPushAt: number | null = null;
  #error: string | null = null;
  #pushedSamples = 0;
  /** Serializes every write to the store (spills and a failed memory push). */
  #diskChain: Promise<void> = Promise.resolve();
  #wake: (() => void) | null = null;
  readonly #pump: Promise<void>;
  /** Aborts a push in flight at close(), after CLOSE_WAIT_MS. */
  #inflight: AbortController | null = null;

  constructor(options: VmPusherOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    if (!this.#store) this.#error = options.storeUnavailable ?? 'no outage buffer';
    this.#buffering = this.#store !== null && !this.#store.empty;
    this.#pump = this.#store ? this.#run() : Promise.resolve();
  }

  onPoll(input: ServerMetricsInput): void {
    if (this.#closing || !this.#store) return;
    const server = input.live.name;
    let writer = this.#writers.get(server);
    if (!writer) this.#writers.set(server, (writer = new ExpositionWriter(this.#options.names)));
    const series = fleetSeries([input], this.#options.names, this.#options.nameOf);
    let samples = 0;
    for (const list of series.values()) samples += list.length;
    if (samples === 0) return;
    // Samples carry the server's clock (seed 000); a server that is not streaming has none: ours.
    const stampMs = input.live.serverTime !== null ? input.live.serverTime * 1000 : this.#now();
    const text = writer.write(series, { timestampMs: () => stampMs });
    this.#memory.push({ text, samples });
    this.#memoryBytes += text.length;
    // Past the limit polls go to disk, but not while polls from memory are being pushed: if that
    // push fails, its polls go to disk first (order).
    if (this.#buffering || (this.#memoryBytes > MEMORY_LIMIT_BYTES && this.#memoryInFlight === 0))
      this.#spill();
    this.#wake?.();
  }

  /** Forgets a removed server's writer. */
  forget(server: string): void {
    this.#writers.delete(server);
  }

  status(): ExporterStatus['push'] {
    const disk = this.#store?.backlog ?? { samples: 0, bytes: 0 };
    let memorySamples = this.#memoryInFlight + this.#toDiskSamples;
    for (const poll of this.#memory) memorySamples += poll.samples;
    const state = !this.#store ? 'off' : this.#buffering || this.#error ? 'failing' : 'ok';
    return {
      state,
      lastPushAt: this.#lastPushAt,
      backlogSamples: disk.samples + memorySamples,
      backlogBytes: disk.bytes + this.#memoryBytes,
      error: this.#error,
    };
  }

  /** Samples VictoriaMetrics took since this pusher started. */
  get pushedSamples(): number {
    return this.#pushedSamples;
  }

  /**
   * Sends what is held (up to 5 s: a push in flight then is stopped), saves the rest to disk, and
   * stops: what SIGTERM waits for.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#wake?.();
    const timer = setTimeout(() => {
      this.#closed = true;
      this.#inflight?.abort();
    }, CLOSE_WAIT_MS);
    await this.#pump;
    clearTimeout(timer);
    this.#closed = true;
    this.#spill();
    try {
      await this.#diskChain;
    } finally {
      this.#store?.close();
      this.#options.onClosed?.();
    }
  }

  /** Moves the polls held in memory to the end of the disk buffer, in order. */
  #spill(): void {
    if (this.#memory.length === 0 || !this.#store) return;
    const polls = this.#memory;
    this.#memory = [];
    this.#memoryBytes = 0;
    this.#buffering = true;
    this.#toDisk(
      polls.reduce((sum, p) => sum + p.samples, 0),
      async () => {
        const records: BufferedRecord[] = [];
        for (const poll of polls)
          records.push({ body: await brotliAsync(poll.text, BROTLI), samples: poll.samples });
        return records;
      },
    );
  }

  /**
   * Appends what `records` makes to the disk buffer after every earlier append. A failed one (disk
   * full) loses those polls, says so, and does not stop the ones after it.
   */
  #toDisk(samples: number, records: () => Promise<BufferedRecord[]>): void {
    const store = this.#store!;
    this.#toDiskSamples += samples;
    this.#diskChain = this.#diskChain
      .then(async () => store.append(await records()))
      .finally(() => (this.#toDiskSamples -= samples))
      .catch((error: unknown) => this.#fail(new Error(`cannot save to ${store.dir}: ${String(error)}`)));
  }

  async #run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.#closed) {
      let sent: boolean;
      try {
        sent = this.#buffering ? await this.#sendFromDisk() : await this.#sendFromMemory();
        if (!sent) {
          if (this.#memory.length > 0) continue; // came while this send was being decided
          if (this.#closing) break;
          await this.#sleep(null);
          continue;
        }
        backoff = BACKOFF_MIN_MS;
      } catch (error) {
        this.#fail(error);
        if (this.#closing) break;
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** Sends the oldest batch on disk; false when there is none (then polls go by memory again). */
  async #sendFromDisk(): Promise<boolean> {
    const store = this.#store!;
    await this.#diskChain;
    const batch = store.peek(REPLAY_BATCH_BYTES);
    if (batch.length === 0) {
      this.#buffering = false;
      return this.#memory.length > 0;
    }
    const body = await gzipAsync(await joinBodies(batch), GZIP);
    const samples = batch.reduce((sum, r) => sum + r.samples, 0);
    try {
      await this.#push(body);
    } catch (error) {
      if (error instanceof PushFailure && error.kind === 'rejected') {
        // Sending it again cannot help: the batch goes, and the log says how much.
        store.consume(batch.length);
        this.#options.log?.(`victoria-metrics: dropped ${samples} samples it rejected`);
      }
      throw error;
    }
    store.consume(batch.length);
    this.#taken(samples);
    return true;
  }

  async #sendFromMemory(): Promise<boolean> {
    if (this.#memory.length === 0) return false;
    const polls = this.#memory;
    this.#memory = [];
    this.#memoryBytes = 0;
    this.#memoryInFlight = polls.reduce((sum, p) => sum + p.samples, 0);
    try {
      return await this.#sendPolls(polls);
    } finally {
      this.#memoryInFlight = 0;
    }
  }

  async #sendPolls(polls: Poll[]): Promise<boolean> {
    const text = polls.length === 1 ? polls[0]!.text : polls.map((p) => p.text).join('');
    const samples = polls.reduce((sum, p) => sum + p.samples, 0);
    const body = await gzipAsync(text, GZIP);
    try {
      await this.#push(body);
    } catch (error) {
      if (error instanceof PushFailure && error.kind === 'rejected') {
        this.#options.log?.(`victoria-metrics: dropped ${samples} samples it rejected`);
        throw error;
      }
      // To disk, before the polls that arrived meanwhile (#spill chains them after it).
      this.#buffering = true;
      this.#toDisk(samples, async () => [{ body: await brotliAsync(text, BROTLI), samples }]);
      this.#spill();
      throw error;
    }
    this.#taken(samples);
    return true;
  }

  async #push(body: Uint8Array): Promise<void> {
    const controller = new AbortController();
    this.#inflight = controller;
    try {
      await pushBody(this.#options.url, this.#options.credentials, body, { signal: controller.signal });
    } finally {
      this.#inflight = null;
    }
  }

  #taken(samples: number): void {
    this.#lastPushAt = this.#now();
    this.#pushedSamples += samples;
    if (this.#error) this.#options.log?.('victoria-metrics: pushing again');
    this.#error = null;
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.#error) this.#options.log?.(`victoria-metrics: ${message}`);
    this.#error = message;
  }

  /** Waits for a new poll (ms null) or `ms`, whichever is first; close() wakes it too. */
  #sleep(ms: number | null): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      if (ms !== null) timer = setTimeout(done, ms);
      // A new poll ends a wait for polls, not a back-off (VictoriaMetrics is still down).
      this.#wake = ms === null ? done : () => (this.#closing ? done() : undefined);
    });
  }
}

/** The text of buffered records, in order, for one body (VictoriaMetrics reads one gzip member only). */
async function joinBodies(records: readonly BufferedRecord[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const record of records) parts.push(await unbrotliAsync(record.body));
  return Buffer.concat(parts);
}
