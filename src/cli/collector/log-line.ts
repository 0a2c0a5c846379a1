import { escapeUnsafe } from '../../shared/safe-text.ts';

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One thing the collector says: what happened (`msg`, a fixed phrase) and its facts. */
export interface LogRecord {
  time: number;
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/**
 * One line of the collector's log (stdout, read by journald, a container runtime, Loki…):
 * - json: one object per line, `{"time":"…","level":"…","msg":"…",…fields}`, the fields flat;
 * - text: `time level msg key=value …`, values quoted when they hold spaces.
 * Fields hold servers' text (names, errors): every control or invisible character is escaped
 * (JSON's own `\uXXXX`) in both formats, so no line can be split or a terminal be driven by it.
 */
export function formatLogLine(format: LogFormat, record: LogRecord): string {
  const time = new Date(record.time).toISOString();
  if (format === 'json') {
    const object: Record<string, unknown> = { time, level: record.level, msg: record.msg };
    for (const [key, value] of Object.entries(record.fields ?? {}))
      if (!(key in object) && value !== undefined) object[key] = value;
    return escapeUnsafe(JSON.stringify(object), { keepLayout: false });
  }
  const parts = [time, record.level.padEnd(5), record.msg];
  for (const [key, value] of Object.entries(record.fields ?? {})) {
    if (value === undefined || value === null) continue;
    parts.push(`${key}=${textValue(value)}`);
  }
  return escapeUnsafe(parts.join(' '), { keepLayout: false });
}

function textValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
