import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateKey,
  keygenFind,
  keyText,
  sshKeygen,
  tempDir,
} from '../../../../test/fixtures/ssh/keygen.ts';
import type { GeneratedKey } from '../../../../test/fixtures/ssh/keygen.ts';
import { longLinesKnownHosts, pathologicalPatternsKnownHosts } from './hostile-known-hosts.testkit.ts';
import {
  entryLocation,
  hashHostName,
  hostPatternsMatch,
  knownHostsName,
  lookup,
  parseKnownHosts,
  wildcardMatch,
} from './known-hosts.ts';

let tmp: ReturnType<typeof tempDir>;
let ed: GeneratedKey;
let ec: GeneratedKey;
let rsa: GeneratedKey;

beforeAll(() => {
  tmp = tempDir();
  ed = generateKey(tmp.dir, 'ed25519');
  ec = generateKey(tmp.dir, 'ecdsa256');
  rsa = generateKey(tmp.dir, 'rsa');
});
afterAll(() => tmp.cleanup());

function lines(entries: ReturnType<typeof lookup>): number[] {
  return entries.map((e) => e.line);
}

function write(name: string, text: string): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
}

describe('parseKnownHosts', () => {
  it('parses every entry form and skips comments, blank and malformed lines with warnings', () => {
    const text = [
      '# a comment', //                                                   1
      '', //                                                              2
      `plain.example ${keyText(ed)} admin note with  spaces`, //           3
      `[port.example]:2222 ${keyText(ec)}`, //                              4
      `a.example,b.example,198.18.100.7 ${keyText(rsa)}`, //               5
      `@revoked * ${keyText(rsa)}`, //                                      6
      `@cert-authority *.example ${keyText(ed)}`, //                        7
      '   # indented comment', //                                          8
      `\t  indented.example\t${keyText(ed)}`, //                            9
      'only-a-host', //                                                    10
      `@bogus host ${keyText(ed)}`, //                                     11
      'old.example 2048 65537 123456789', //                               12
      `bad64.example ssh-ed25519 AAAA!!!!`, //                             13
      `mismatch.example ssh-rsa ${ed.blob.toString('base64')}`, //         14
      '|1|notbase64|alsonot ssh-ed25519 AAAA', //                          15
      `|2|abc|def ${keyText(ed)}`, //                                      16
      `crlf.example ${keyText(ed)}\r`, //                                   17
      '@revoked', //                                                       18
    ].join('\n');
    const { entries, warnings } = parseKnownHosts(text, '/x/known_hosts');
    expect(lines(entries)).toEqual([3, 4, 5, 6, 7, 9, 17]);
    expect(warnings.map((w) => w.line)).toEqual([10, 11, 12, 13, 14, 15, 16, 18]);
    expect(warnings.every((w) => w.file === '/x/known_hosts' && w.message.length < 200)).toBe(true);
    expect(warnings.find((w) => w.line === 11)?.message).toMatch(/unknown marker "@bogus"/);
    expect(warnings.find((w) => w.line === 12)?.message).toMatch(/SSH-1/);
    expect(warnings.find((w) => w.line === 14)?.message).toMatch(/does not match/);

    const [plain, port, list, revoked, ca, indented, crlf] = entries;
    expect(plain).toMatchObject({
      line: 3,
      marker: null,
      hostField: 'plain.example',
      patterns: ['plain.example'],
      hashed: null,
      keyType: 'ssh-ed25519',
      comment: 'admin note with  spaces',
      file: '/x/known_hosts',
    });
    expect(plain?.blob.equals(ed.blob)).toBe(true);
    expect(port?.patterns).toEqual(['[port.example]:2222']);
    expect(list?.patterns).toEqual(['a.example', 'b.example', '198.18.100.7']);
    expect(list?.keyType).toBe('ssh-rsa');
    expect(revoked?.marker).toBe('revoked');
    expect(ca?.marker).toBe('cert-authority');
    expect(indented?.hostField).toBe('indented.example');
    expect(crlf?.comment).toBe('');
    expect(entryLocation(plain!)).toBe('/x/known_hosts:3');
  });

  it('lookup: plain names, [host]:port, comma lists, case-insensitivity', () => {
    const { entries } = parseKnownHosts(
      [
        `plain.example ${keyText(ed)}`,
        `[plain.example]:2222 ${keyText(ec)}`,
        `a.example,B.Example,198.18.100.7 ${keyText(rsa)}`,
        `[2001:2:0:1db8::1]:2222,2001:2:0:1db8::1 ${keyText(ed)}`,
      ].join('\n'),
    );
    expect(lines(lookup(entries, 'plain.example', 22))).toEqual([1]);
    expect(lines(lookup(entries, 'PLAIN.example', 22))).toEqual([1]);
    expect(lines(lookup(entries, 'plain.example', 2222))).toEqual([2]);
    expect(lines(lookup(entries, 'plain.example', 2200))).toEqual([]);
    expect(lines(lookup(entries, 'b.example', 22))).toEqual([3]);
    expect(lines(lookup(entries, '198.18.100.7', 22))).toEqual([3]);
    expect(lines(lookup(entries, '198.18.100.7', 2222))).toEqual([]);
    expect(lines(lookup(entries, '2001:2:0:1db8::1', 22))).toEqual([4]);
    expect(lines(lookup(entries, '2001:2:0:1db8::1', 2222))).toEqual([4]);
    expect(lines(lookup(entries, 'other.example', 22))).toEqual([]);
    expect(lines(lookup(entries, '', 22))).toEqual([]);
  });

  it('lookup: wildcards and negation', () => {
    const { entries } = parseKnownHosts(
      [
        `*.wild.example,!bad.wild.example ${keyText(ed)}`,
        `h?.example ${keyText(ed)}`,
        `[*.wild.example]:2222 ${keyText(ec)}`,
        `198.18.*,!198.18.0.1 ${keyText(rsa)}`,
      ].join('\n'),
    );
    expect(lines(lookup(entries, 'a.wild.example', 22))).toEqual([1]);
    expect(lines(lookup(entries, 'x.y.wild.example', 22))).toEqual([1]);
    expect(lines(lookup(entries, 'bad.wild.example', 22))).toEqual([]);
    expect(lines(lookup(entries, 'wild.example', 22))).toEqual([]);
    expect(lines(lookup(entries, 'h1.example', 22))).toEqual([2]);
    expect(lines(lookup(entries, 'h12.example', 22))).toEqual([]);
    expect(lines(lookup(entries, 'a.wild.example', 2222))).toEqual([3]);
    expect(lines(lookup(entries, '198.18.3.4', 22))).toEqual([4]);
    expect(lines(lookup(entries, '198.18.0.1', 22))).toEqual([]);
  });

  it('lookup: @revoked entries are returned, @cert-authority entries never', () => {
    const { entries } = parseKnownHosts(
      [`@revoked * ${keyText(rsa)}`, `@cert-authority * ${keyText(ed)}`, `host.example ${keyText(ed)}`].join(
        '\n',
      ),
    );
    const found = lookup(entries, 'host.example', 22);
    expect(found.map((e) => [e.line, e.marker])).toEqual([
      [1, 'revoked'],
      [3, null],
    ]);
  });

  it('hashed entries made by ssh-keygen -H match host and [host]:port, and nothing else', () => {
    const file = write(
      'hashed_known_hosts',
      [
        `plain.example,198.18.100.9 ${keyText(ed)}`,
        `[port.example]:2222 ${keyText(ec)}`,
        `@revoked revoked.example ${keyText(rsa)}`,
      ].join('\n') + '\n',
    );
    sshKeygen(['-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/plain\.example|port\.example|198\.18\.100/);
    // ssh-keygen -H leaves marker lines as they are
    expect(text).toContain('@revoked revoked.example ssh-rsa');
    const { entries, warnings } = parseKnownHosts(text, file);
    expect(warnings).toEqual([]);
    expect(entries.filter((e) => e.marker === null).every((e) => e.hashed && e.patterns.length === 0)).toBe(
      true,
    );
    expect(entries).toHaveLength(4); // the comma list became two hashed lines

    const one = (host: string, port: number) => lookup(entries, host, port).map((e) => e.keyType);
    expect(one('plain.example', 22)).toEqual(['ssh-ed25519']);
    expect(one('Plain.Example', 22)).toEqual(['ssh-ed25519']);
    expect(one('198.18.100.9', 22)).toEqual(['ssh-ed25519']);
    expect(one('plain.example', 2222)).toEqual([]);
    expect(one('port.example', 2222)).toEqual(['ecdsa-sha2-nistp256']);
    expect(one('port.example', 22)).toEqual([]);
    expect(lookup(entries, 'revoked.example', 22).map((e) => e.marker)).toEqual(['revoked']);
    expect(one('other.example', 22)).toEqual([]);
  });

  it('hashHostName produces what the parser matches', () => {
    const salt = Buffer.alloc(20, 7);
    const { entries } = parseKnownHosts(`${hashHostName('[h.example]:2022', salt)} ${keyText(ed)}`);
    expect(lines(lookup(entries, 'h.example', 2022))).toEqual([1]);
    expect(lines(lookup(entries, 'h.example', 22))).toEqual([]);
    expect(() => hashHostName('x', Buffer.alloc(8))).toThrow(/20 bytes/);
  });

  it('agrees with `ssh-keygen -F` on every query', () => {
    const file = write(
      'crosscheck_known_hosts',
      [
        '# cross-check',
        `plain.example ${keyText(ed)}`,
        `*.wild.example,!bad.wild.example ${keyText(ec)}`,
        `@revoked *.revoked.example ${keyText(ed)}`,
        `@cert-authority *.example ${keyText(ed)}`,
        `[port.example]:2222 ${keyText(ed)}`,
        `h?.example,[h?.example]:*,Mixed.CASE.example ${keyText(rsa)}`,
        `198.18.1.*,!198.18.1.23 ${keyText(ed)}`,
        `[*]:2200 ${keyText(ec)}`,
        `*,!*.example,!198.18.* ${keyText(rsa)}`,
      ].join('\n') + '\n',
    );
    const { entries } = parseKnownHosts(readFileSync(file, 'utf8'), file);
    const caLines = new Set(entries.filter((e) => e.marker === 'cert-authority').map((e) => e.line));
    const queries: Array<[string, number]> = [
      ['plain.example', 22],
      ['plain.example', 2222],
      ['a.wild.example', 22],
      ['bad.wild.example', 22],
      ['x.revoked.example', 22],
      ['port.example', 2222],
      ['port.example', 22],
      ['h1.example', 22],
      ['h1.example', 2022],
      ['mixed.case.example', 22],
      ['198.18.1.99', 22],
      ['198.18.1.23', 22],
      ['198.18.1.23', 2200],
      ['elsewhere.org', 22],
      ['elsewhere.org', 2200],
    ];
    for (const [host, port] of queries) {
      const name = knownHostsName(host, port);
      const expected = keygenFind(file, name).filter((l) => !caLines.has(l));
      expect(lines(lookup(entries, host, port)), name).toEqual(expected);
    }
  });

  it('a hashed [host]:port line keeps its key and still matches', () => {
    const file = write('roundtrip', `[a.example]:2222 ${keyText(ed)}\n`);
    copyFileSync(file, `${file}.plain`);
    sshKeygen(['-H', '-f', file]);
    const hashed = parseKnownHosts(readFileSync(file, 'utf8')).entries;
    const plain = parseKnownHosts(readFileSync(`${file}.plain`, 'utf8')).entries;
    expect(hashed[0]?.blob.equals(plain[0]!.blob)).toBe(true);
    expect(lines(lookup(hashed, 'a.example', 2222))).toEqual([1]);
  });
});

describe('wildcard matching', () => {
  it('handles * and ? like OpenSSH', () => {
    expect(wildcardMatch('abc', 'abc')).toBe(true);
    expect(wildcardMatch('abc', 'a*')).toBe(true);
    expect(wildcardMatch('abc', '*c')).toBe(true);
    expect(wildcardMatch('abc', 'a?c')).toBe(true);
    expect(wildcardMatch('ac', 'a?c')).toBe(false);
    expect(wildcardMatch('', '*')).toBe(true);
    expect(wildcardMatch('', '?')).toBe(false);
    expect(wildcardMatch('aXbXc', '*b*c')).toBe(true);
    expect(wildcardMatch('aXbXd', '*b*c')).toBe(false);
    expect(hostPatternsMatch('x', [])).toBe(false);
    expect(hostPatternsMatch('x', ['!y'])).toBe(false); // only negations: no positive match
  });
});

describe('hostile input', () => {
  it('shell metacharacters in a pattern are plain characters: matched literally, never run', () => {
    const marker = path.join(tmp.dir, 'pwned');
    const pattern = `$(touch${'${IFS}'}${marker});rm*|&\`id\`>x`;
    const { entries, warnings } = parseKnownHosts(`${pattern},safe.example ${keyText(ed)}\n`);
    expect(warnings).toEqual([]);
    expect(entries[0]?.patterns[0]).toBe(pattern);
    expect(lines(lookup(entries, 'safe.example', 22))).toEqual([1]);
    expect(lines(lookup(entries, 'rm', 22))).toEqual([]);
    expect(lines(lookup(entries, `$(touch\${ifs}${marker.toLowerCase()});rm-rf|&\`id\`>x`, 22))).toEqual([1]);
    expect(existsSync(marker)).toBe(false);
  });

  // A hang fails on the test timeout; how fast: `npm run bench -- knownhosts`.
  it('a very long garbage line is skipped with a short warning, later lines still count', () => {
    const { entries, warnings } = parseKnownHosts(longLinesKnownHosts(keyText(ed)));
    expect(warnings.map((w) => w.line)).toEqual([1, 2]);
    expect(warnings.every((w) => w.message.length < 200)).toBe(true);
    expect(lines(lookup(entries, 'ok.example', 22))).toEqual([3]);
  });

  // A hang fails on the test timeout; how fast: `npm run bench -- knownhosts`.
  it('pathological wildcard patterns and huge pattern lists do not hang the lookup', () => {
    const { entries } = parseKnownHosts(pathologicalPatternsKnownHosts(keyText(ed), keyText(ec)));
    expect(entries).toHaveLength(2);
    expect(lines(lookup(entries, 'a'.repeat(250), 22))).toEqual([]);
    expect(lines(lookup(entries, `${'a'.repeat(240)}z`, 22))).toEqual([2]);
    expect(lines(lookup(entries, 'h49999.x.y.example', 22))).toEqual([2]);
    expect(lines(lookup(entries, 'h50000.x.y.example', 22))).toEqual([]);
    expect(lines(lookup(entries, `${'x'.repeat(5000)}.example`, 22))).toEqual([]); // over-long host: no match
    expect(wildcardMatch('a'.repeat(1000), '*a'.repeat(400) + 'b')).toBe(false);
  });
});
