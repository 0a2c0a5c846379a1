import pkg from '../../../package.json' with { type: 'json' };
import type { DomainEvent } from '../../main/core/bus/domain-events.ts';
import { Engine } from '../../main/core/engine.ts';
import { WgDeckError, errorMessage } from '../../main/core/errors.ts';
import { logEntryFor } from '../../main/core/events/event-recorder.ts';
import { dataDirExposure } from '../../main/core/store/private-files.ts';
import { formatLogLine, type LogFormat, type LogLevel } from '../collector/log-line.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { onStopSignals } from '../stop-signals.ts';
import { keyframeEveryOf, type StreamFlags } from './stream-flags.ts';
import { exporterOverride, type MetricsFlags, type VictoriaFlags } from './exporter-flags.ts';

export type CollectOptions = MetricsFlags &
  VictoriaFlags &
  StreamFlags & { logFormat?: LogFormat; logPolls?: true };

type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** The engine's own lines (`victoria-metrics: …`, `metrics: …`): the part before ": " is the component. */
export function engineLine(line: string): { msg: string; fields: Record<string, unknown> } {
  const match = /^([a-z][a-z -]{0,30}): (.*)$/s.exec(line);
  return match ? { msg: match[2]!, fields: { component: match[1] } } : { msg: line, fields: {} };
}

/**
 * `wgdeck collect`: the engine without a UI, on an always-on host, until SIGTERM — live sessions,
 * history and the event log, alerts (webhooks), `/metrics` and the VictoriaMetrics push, the same core
 * as the app. It says what happens on stdout, one line per fact (journald, a container's log); on
 * SIGTERM it sends or saves what the push holds and exits 0.
 */
export async function collect(ctx: CliContext, values: CollectOptions): Promise<number> {
  const format = values.logFormat ?? 'json';
  const log: Log = (level, msg, fields) =>
    ctx.outVerbatim(formatLogLine(format, { time: Date.now(), level, msg, fields }));
  const override = exporterOverride(values, (warning) => log('warn', warning));
  const exposure = dataDirExposure(ctx.dataDir);
  if (exposure) log('warn', exposure);
  const engine = new Engine({
    dataDir: ctx.dataDir,
    host: 'cli',
    recordHistory: true,
    exportersOverride: override,
    keyframeEvery: keyframeEveryOf(values),
    log: (line) => {
      const { msg, fields } = engineLine(line);
      log('warn', msg, fields);
    },
  });
  const unsubscribe = engine.domainEvents.subscribe((event) =>
    logEvent(event, engine, log, values.logPolls === true),
  );
  try {
    await engine.start();
  } catch (error) {
    unsubscribe();
    await engine.stopAndFlush();
    throw error;
  }
  const status = engine.exporterStatus();
  if (override.metrics && status.metrics.error) {
    unsubscribe();
    await engine.stopAndFlush();
    throw new WgDeckError('USAGE', `--metrics ${override.metrics.listen}: ${status.metrics.error}`);
  }
  const servers = (await engine.servers.list()).map((s) => s.name);
  const settings = await engine.handlers['settings:get']();
  log('info', 'started', {
    version: pkg.version,
    dataDir: ctx.dataDir,
    servers,
    metrics: status.metrics.url,
    push: (override.victoriaMetrics ?? settings.victoriaMetrics).url,
    pushState: status.push.state,
  });
  if (servers.length === 0)
    log(
      'warn',
      'no servers yet: add them with `wgdeck --data-dir DIR server add` (they start as they are added)',
    );
  if (status.push.error) log('warn', status.push.error, { component: 'victoria-metrics' });

  const signal = await onStopSignals();
  log('info', 'stopping', { signal });
  unsubscribe();
  let push;
  try {
    push = await engine.stopAndFlush();
  } catch (error) {
    log('error', `stopping failed: ${errorMessage(error)}`);
    return EXIT.failure;
  }
  log('info', 'stopped', { backlogSamples: push.backlogSamples, lastPushAt: push.lastPushAt });
  return EXIT.ok;
}

function logEvent(event: DomainEvent, engine: Engine, log: Log, polls: boolean): void {
  if (event.type === 'server.sample') {
    if (polls) {
      const peers = event.snapshot.interfaces.reduce((sum, i) => sum + i.peers.length, 0);
      log('debug', 'poll', {
        server: event.server,
        serverTime: event.snapshot.serverTime,
        interfaces: event.snapshot.interfaces.length,
        peers,
      });
    }
    return;
  }
  if (event.type === 'server.connected') {
    log('info', 'connected', { server: event.server });
    return;
  }
  const entry = logEntryFor(event, (server, iface, key) => engine.nameOf(server, iface, key));
  if (!entry) return;
  const level: LogLevel = /unreachable|offline|failed|Failed|errors|fired|Warning|Exceeded|expired/.test(
    entry.type,
  )
    ? 'warn'
    : 'info';
  log(level, entry.type, {
    server: entry.server,
    interface: entry.interface ?? undefined,
    peer: entry.peer ?? undefined,
    name: entry.name ?? undefined,
    ...entry.details,
  });
}
