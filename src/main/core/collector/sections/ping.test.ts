import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FrameDecoder } from '../frame-decoder.ts';
import { parseFrame } from '../parse-frame.ts';
import { collectorCommand } from '../remote-script.ts';
import { makeFrameText } from '../fixtures.ts';
import { parsePingResults } from './ping.ts';

describe('the ping section', () => {
  it('reads replies, losses and ping errors; skips what is not a result line', () => {
    const { round, warnings } = parsePingResults(
      [
        '198.18.4.2 ok 0.045',
        '198.18.4.3 fail',
        '2001:2:0:1018::4 ok -',
        '198.18.4.5 err ping: connect: Network is unreachable',
        '198.18.4.6 err',
        'not-an-address ok 1',
        '198.18.4.7 maybe',
        '198.18.4.8 ok 1e9',
      ],
      1_800_000_000,
    );
    expect(round.at).toBe(1_800_000_000);
    expect(round.results).toEqual([
      { address: '198.18.4.2', ok: true, rttMs: 0.045, error: null },
      { address: '198.18.4.3', ok: false, rttMs: null, error: null },
      { address: '2001:2:0:1018::4', ok: true, rttMs: null, error: null },
      { address: '198.18.4.5', ok: false, rttMs: null, error: 'ping: connect: Network is unreachable' },
      { address: '198.18.4.6', ok: false, rttMs: null, error: 'ping could not run' },
      { address: '198.18.4.8', ok: true, rttMs: null, error: null },
    ]);
    expect(warnings).toEqual(['ping: skipped 2 unreadable result line(s)']);
  });

  it('cleans what a hostile server writes as an error (terminal escapes)', () => {
    const { round } = parsePingResults(['198.18.4.5 err \u001b[2Jgone\u0007'], 1);
    const error = round.results[0]!.error!;
    expect([...error].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true);
    expect(error).toContain('gone');
  });

  it('a frame says "-" when no round ended; a malformed marker drops only the ping news', () => {
    const quiet = parseFrame(frameOf(makeFrameText({})));
    if (!quiet.ok) throw new Error(quiet.error);
    expect(quiet.snapshot.ping).toBeNull();
    const done = parseFrame(frameOf(makeFrameText({ pingText: '1800000000\n198.18.4.2 ok 1.5\n' })));
    if (!done.ok) throw new Error(done.error);
    expect(done.snapshot.ping).toEqual({
      at: 1_800_000_000,
      results: [{ address: '198.18.4.2', ok: true, rttMs: 1.5, error: null }],
    });
    const broken = parseFrame(frameOf(makeFrameText({ pingText: 'soon\n' })));
    if (!broken.ok) throw new Error(broken.error);
    expect(broken.snapshot.ping).toBeNull();
    expect(broken.warnings.join('\n')).toMatch(/ping: expected a time/);
    const missing = parseFrame(frameOf(makeFrameText({ pingText: null })));
    expect(missing.ok && missing.snapshot.ping).toBeNull();
  });

  it('runs real pings on this machine in the background, from the targets on stdin, and cleans up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgdeck-ping-test-'));
    const temp = mkdtempSync(join(tmpdir(), 'wgdeck-ping-tmp-'));
    writeFileSync(join(dir, 'wg'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'wg'), 0o755);
    // 127.0.0.1 answers; 198.18.250.1 does not (lost, or unroutable here: either way not ok); the
    // option-looking and shell-looking lines never reach ping.
    const run = spawnSync(
      'sh',
      ['-c', collectorCommand(1, false, 5, undefined, { intervalSeconds: 1, parallel: 4 })],
      {
        input: '127.0.0.1\n198.18.250.1\n-f\n$(touch /tmp/x)\n.\n',
        timeout: 30_000,
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: temp, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
      },
    );
    expect(run.status).toBe(0);
    const decoder = new FrameDecoder({ onDrop: (reason) => expect.fail(reason) });
    const rounds = [...decoder.push(run.stdout), ...decoder.end()].flatMap((frame) => {
      const parsed = parseFrame(frame);
      return parsed.ok && parsed.snapshot.ping ? [parsed.snapshot.ping] : [];
    });
    expect(rounds.length).toBeGreaterThan(0);
    const results = new Map(rounds[0]!.results.map((r) => [r.address, r]));
    expect([...results.keys()].sort()).toEqual(['127.0.0.1', '198.18.250.1']);
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true, error: null });
    expect(results.get('127.0.0.1')!.rttMs).toBeGreaterThanOrEqual(0);
    expect(results.get('198.18.250.1')).toMatchObject({ ok: false, rttMs: null });
    // The private directory is gone with the collector.
    expect(readdirSync(temp)).toEqual([]);
  });

  it('stops a round still running when the collector exits: no pings go on after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgdeck-ping-test-'));
    const temp = mkdtempSync(join(tmpdir(), 'wgdeck-ping-tmp-'));
    const log = join(dir, 'pings');
    writeFileSync(join(dir, 'wg'), '#!/bin/sh\nexit 0\n');
    // A silent address: each ping takes a second and gets no reply, so 40 of them two at a time are
    // a 20 s round, far longer than this 2-frame collector lives.
    writeFileSync(join(dir, 'ping'), `#!/bin/sh\necho $$ >> '${log}'\nsleep 1\nexit 1\n`);
    chmodSync(join(dir, 'wg'), 0o755);
    chmodSync(join(dir, 'ping'), 0o755);
    const targets = Array.from({ length: 40 }, (_, i) => `198.18.250.${i + 1}`).join('\n');
    const run = spawnSync(
      'sh',
      ['-c', collectorCommand(1, false, 2, undefined, { intervalSeconds: 1, parallel: 2 })],
      {
        input: `${targets}\n.\n`,
        timeout: 30_000,
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: temp, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
      },
    );
    expect(run.status).toBe(0);
    const started = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map(Number) : []);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(started().length).toBeGreaterThan(0); // the round did start
    // The pings under way when it exited end on their own (within their second)...
    await vi.waitFor(() => expect(started().filter(alive)).toEqual([]), { timeout: 5_000 });
    const count = started().length;
    // ...and no new one starts: a ping's own time later, still the same ones.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(started()).toHaveLength(count);
    expect(count).toBeLessThan(40);
    expect(readdirSync(temp)).toEqual([]);
  });
});

function frameOf(text: string) {
  const frames = [...new FrameDecoder({ onDrop: (reason) => expect.fail(reason) }).push(text)];
  expect(frames).toHaveLength(1);
  return frames[0]!;
}
