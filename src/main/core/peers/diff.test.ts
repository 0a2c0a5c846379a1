import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffLines, redactSecrets, unifiedDiff } from './diff.ts';
import {
  ALICE,
  BIG_TEST_TIMEOUT_MS,
  bigConf,
  PSK_BOB,
  SERVER_CONF,
  SERVER_PRIVATE,
} from './fixtures.testkit.ts';

/** Applies `diff` to `before` with GNU patch and returns the result. */
function patch(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-diff-'));
  try {
    const file = join(dir, 'f');
    writeFileSync(file, before);
    const result = spawnSync('patch', ['--silent', '--force', file], { input: diff, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`patch failed: ${result.stdout}${result.stderr}\n${diff}`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff(SERVER_CONF, SERVER_CONF)).toBe('');
  });

  it('writes hunks with context', () => {
    const after = SERVER_CONF.replace('MTU = 1420', 'MTU = 1380');
    expect(unifiedDiff(SERVER_CONF, after, { oldLabel: 'a', newLabel: 'b' })).toBe(
      [
        '--- a',
        '+++ b',
        '@@ -5,7 +5,7 @@',
        'Address = 198.18.8.1/24, 2001:2:0:1042::1/64',
        'ListenPort    =51820',
        `PrivateKey = ${SERVER_PRIVATE}`,
        '-MTU = 1420',
        '+MTU = 1380',
        'DNS = 198.18.53.53, example.internal',
        'PostUp   = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE # NAT',
        'PostDown = iptables -D FORWARD -i %i -j ACCEPT; iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE',
        '',
      ]
        .map((line, index) =>
          index >= 3 && !line.startsWith('-') && !line.startsWith('+') && line !== '' ? ` ${line}` : line,
        )
        .join('\n'),
    );
  });

  it('applies with GNU patch, for random edits of realistic files', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const base = SERVER_CONF.split('\n');
    for (let round = 0; round < 60; round++) {
      const lines = [...base];
      const edits = 1 + random(6);
      for (let e = 0; e < edits; e++) {
        const at = random(lines.length);
        const kind = random(3);
        if (kind === 0) lines.splice(at, 1);
        else if (kind === 1) lines.splice(at, 0, `# inserted ${round}.${e}`);
        else lines[at] = `${lines[at] ?? ''} changed`;
      }
      const after = lines.join('\n');
      expect(patch(SERVER_CONF, unifiedDiff(SERVER_CONF, after))).toBe(after);
    }
  });

  it('handles a missing final newline on either side', () => {
    for (const [before, after] of [
      ['a\nb\n', 'a\nb'],
      ['a\nb', 'a\nc'],
      ['', 'x\n'],
      ['x\n', ''],
    ] as const) {
      expect(patch(before, unifiedDiff(before, after))).toBe(after);
    }
  });

  // How fast: `npm run bench -- files`.
  it(
    'is short on a 10,000-peer file with a few changes, and exact on a rewrite',
    { timeout: BIG_TEST_TIMEOUT_MS },
    () => {
      const before = bigConf(10_000);
      const after =
        before.replace('# Name = peer-10\n', '').replace('# Name = peer-9000\n', '# Name = nine thousand\n') +
        '\n[Peer]\n';
      const diff = unifiedDiff(before, after);
      expect(diff.split('\n').length).toBeLessThan(40);
      expect(patch(before, diff)).toBe(after);
      const rewrite = unifiedDiff(before, bigConf(9_000).replace(/peer-/g, 'p-'));
      expect(rewrite.startsWith('--- before\n+++ after\n')).toBe(true);
    },
  );

  it('redacts each line shown', () => {
    const after = SERVER_CONF.replace('MTU = 1420', 'MTU = 1380');
    const diff = unifiedDiff(SERVER_CONF, after, { redact: (line) => redactSecrets(line, new Set()) });
    expect(diff).toContain(' PrivateKey = (hidden)\n');
    expect(diff).not.toContain(SERVER_PRIVATE);
  });

  it('shows a line with an escape sequence or a direction override escaped (it is only shown)', () => {
    const diff = unifiedDiff('a\n', 'a\n# ok \u202e\u001b[2J\n');
    expect(diff).toContain('+# ok \\u202E\\u001B[2J\n');
    expect(diff).not.toContain('\u001b');
    expect(diff).not.toContain('\u202e');
  });

  it('keeps CR out of the display', () => {
    expect(unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n')).toBe(
      '--- before\n+++ after\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
  });
});

describe('diffLines', () => {
  it('finds a minimal script', () => {
    const ops = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(ops.filter((op) => op.kind !== 'equal')).toHaveLength(5); // the classic example: D = 5
  });
});

describe('redactSecrets', () => {
  const publicKeys = new Set([ALICE]);
  it.each([
    [`PrivateKey = ${SERVER_PRIVATE}`, 'PrivateKey = (hidden)'],
    [`Preshared Key=${PSK_BOB} # odd spelling`, 'Preshared Key=(hidden) # odd spelling'],
    [`#! PresharedKey = ${PSK_BOB}`, '#! PresharedKey = (hidden)'],
    [`PublicKey = ${ALICE}`, `PublicKey = ${ALICE}`],
    [`AllowedIPs = 198.18.0.1/32`, 'AllowedIPs = 198.18.0.1/32'],
    [`x${PSK_BOB}`, `x${PSK_BOB}`],
  ])('%s', (line, expected) => {
    expect(redactSecrets(line, publicKeys)).toBe(expected);
  });
});
