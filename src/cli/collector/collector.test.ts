import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineLine } from '../commands/collect.ts';
import { exporterOverride } from '../commands/exporter-flags.ts';
import { onStopSignals } from '../stop-signals.ts';
import { UsageError } from '../usage-error.ts';
import { formatLogLine } from './log-line.ts';

const AT = Date.UTC(2026, 11, 4, 12, 0, 0);

describe('the collector log line', () => {
  it('json: one object per line, time/level/msg first, fields flat', () => {
    const line = formatLogLine('json', {
      time: AT,
      level: 'warn',
      msg: 'server.unreachable',
      fields: { server: 'edge-1', error: 'timed out', skipped: undefined },
    });
    expect(line).toBe(
      '{"time":"2026-12-04T12:00:00.000Z","level":"warn","msg":"server.unreachable","server":"edge-1","error":"timed out"}',
    );
    expect(JSON.parse(line)).toMatchObject({ server: 'edge-1' });
  });

  it('a field cannot overwrite time, level or msg', () => {
    const line = formatLogLine('json', {
      time: AT,
      level: 'info',
      msg: 'x',
      fields: { level: 'error', msg: 'y' },
    });
    expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'x' });
  });

  it('text: key=value, quoted when needed', () => {
    expect(
      formatLogLine('text', {
        time: AT,
        level: 'info',
        msg: 'peer.online',
        fields: { server: 's0', name: 'alice laptop', n: 3 },
      }),
    ).toBe('2026-12-04T12:00:00.000Z info  peer.online server=s0 name="alice laptop" n=3');
  });

  it("a server's text cannot split a line or reach the terminal as controls, in either format", () => {
    const hostile = 'evil\nfake line\u001b[2J\u009b31m\u202eoops';
    for (const format of ['json', 'text'] as const) {
      const line = formatLogLine(format, { time: AT, level: 'warn', msg: 'x', fields: { error: hostile } });
      expect(/[\n\u001b\u009b\u202e]/u.test(line)).toBe(false); // eslint-disable-line no-control-regex
      expect(line).toContain('\\u001b');
    }
    const parsed = JSON.parse(
      formatLogLine('json', { time: AT, level: 'warn', msg: 'x', fields: { error: hostile } }),
    ) as {
      error: string;
    };
    expect(parsed.error).toBe(hostile); // escaped, not lost
  });

  it("the engine's lines keep their component", () => {
    expect(engineLine('victoria-metrics: cannot reach x: connection refused')).toEqual({
      msg: 'cannot reach x: connection refused',
      fields: { component: 'victoria-metrics' },
    });
    expect(engineLine('plain')).toEqual({ msg: 'plain', fields: {} });
  });
});

describe('exporter flags (serve, collect)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--metrics ADDR:PORT with a profile; bad ones are usage errors', () => {
    expect(exporterOverride({ metrics: '127.0.0.1:9586', metricsNames: 'mindflavor' })).toEqual({
      metrics: { listen: '127.0.0.1:9586', names: 'mindflavor' },
    });
    expect(exporterOverride({ metrics: '[::1]:0' }).metrics).toEqual({
      listen: '[::1]:0',
      names: 'mdlayher',
    });
    expect(() => exporterOverride({ metrics: '9586' })).toThrow(/--metrics needs ADDR:PORT/);
    expect(() => exporterOverride({ metricsNames: 'mdlayher' })).toThrow(UsageError);
  });

  it('--vm-url and credentials from files (first line), never from argv', () => {
    const password = join(dir, 'password');
    writeFileSync(password, 's3cret\n', { mode: 0o600 });
    const warnings: string[] = [];
    const out = exporterOverride(
      { vmUrl: 'http://127.0.0.1:8428', vmUser: 'deck', vmPasswordFile: password },
      (w) => warnings.push(w),
    );
    expect(out.victoriaMetrics).toMatchObject({
      url: 'http://127.0.0.1:8428',
      auth: 'basic',
      username: 'deck',
      push: true,
    });
    expect(out.vmSecret).toBe('s3cret');
    expect(warnings).toEqual([]);
    const token = join(dir, 'token');
    writeFileSync(token, 'tok\n', { mode: 0o644 });
    const bearer = exporterOverride({ vmUrl: 'https://198.18.0.10:8428', vmTokenFile: token }, (w) =>
      warnings.push(w),
    );
    expect(bearer.victoriaMetrics?.auth).toBe('bearer');
    expect(warnings.join()).toMatch(/can be read by others: chmod 600/);
  });

  it('says what is wrong with VictoriaMetrics flags', () => {
    const cases: [Parameters<typeof exporterOverride>[0], RegExp][] = [
      [{ vmUrl: 'ftp://198.18.0.10' }, /--vm-url: give an http/],
      [{ vmUrl: 'http://u:p@198.18.0.10' }, /leave the password out/],
      [{ vmUser: 'deck' }, /need --vm-url/],
      [{ vmUrl: 'http://198.18.0.10', vmUser: 'deck' }, /--vm-user needs --vm-password-file/],
      [{ vmUrl: 'http://198.18.0.10', vmPasswordFile: '/x', vmTokenFile: '/y' }, /not both/],
      [{ vmUrl: 'http://198.18.0.10', vmTokenFile: join(dir, 'missing') }, /cannot read .*ENOENT/],
    ];
    for (const [flags, message] of cases)
      expect(() => exporterOverride(flags), message.source).toThrow(message);
  });
});

describe('onStopSignals', () => {
  it('the first SIGTERM or SIGINT stops; a third forces the exit', async () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    const stopped = onStopSignals(target as unknown as NodeJS.Process, (code) => exits.push(code));
    target.emit('SIGTERM', 'SIGTERM');
    await expect(stopped).resolves.toBe('SIGTERM');
    target.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    target.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
  });
});
