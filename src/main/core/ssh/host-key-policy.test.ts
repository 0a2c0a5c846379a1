import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKey, keyText, sshKeygen, tempDir } from '../../../../test/fixtures/ssh/keygen.ts';
import type { GeneratedKey } from '../../../../test/fixtures/ssh/keygen.ts';
import { WgDeckError } from '../errors.ts';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  HostKeyChangedError,
  HostKeyRevokedError,
  HostKeyUnknownError,
  checkHostKey,
  hostKeyAlgorithmsForKeyType,
  hostKeyError,
  orderHostKeyAlgorithms,
  preferredHostKeyAlgorithms,
} from './host-key-policy.ts';
import type { HostKeySources } from './host-key-policy.ts';
import { TrustStore } from './trust-store.ts';

const { Client, Server } = ssh2;

let tmp: ReturnType<typeof tempDir>;
let ed: GeneratedKey;
let ed2: GeneratedKey;
let ec: GeneratedKey;
let rsa: GeneratedKey;
let counter = 0;
let store: TrustStore;
let userKnownHosts: string;
let sources: HostKeySources;

beforeAll(() => {
  tmp = tempDir();
  ed = generateKey(tmp.dir, 'ed25519');
  ed2 = generateKey(tmp.dir, 'ed25519', 'ed25519-new');
  ec = generateKey(tmp.dir, 'ecdsa256');
  rsa = generateKey(tmp.dir, 'rsa');
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  const dir = path.join(tmp.dir, `case-${++counter}`);
  store = new TrustStore(path.join(dir, 'data'));
  userKnownHosts = path.join(dir, 'home', '.ssh', 'known_hosts'); // missing until a test writes it
  sources = { store, userKnownHostsPath: userKnownHosts };
});

function writeUserKnownHosts(lines: string[]): void {
  mkdirSync(path.dirname(userKnownHosts), { recursive: true });
  writeFileSync(userKnownHosts, lines.join('\n') + '\n');
}

describe('checkHostKey verdicts', () => {
  it('unknown when nothing is recorded (missing ~/.ssh/known_hosts = no entries)', async () => {
    const v = await checkHostKey({ host: '198.18.1.2', port: 22, blob: ed.blob }, sources);
    expect(v).toEqual({ verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: ed.fingerprint });
  });

  it('trusted by the WG Deck store', async () => {
    await store.trust('198.18.1.2', 22, ed.keyType, ed.blob);
    const v = await checkHostKey({ host: '198.18.1.2', port: 22, blob: ed.blob }, sources);
    expect(v).toEqual({
      verdict: 'trusted',
      source: 'wgdeck',
      keyType: 'ssh-ed25519',
      fingerprint: ed.fingerprint,
    });
  });

  it('trusted by ~/.ssh/known_hosts, plain and hashed (ssh-keygen -H), which is never written', async () => {
    writeUserKnownHosts([`web.example,198.18.1.3 ${keyText(ec)}`, `[web.example]:2222 ${keyText(rsa)}`]);
    sshKeygen(['-H', '-f', userKnownHosts]);
    chmodSync(userKnownHosts, 0o400);
    const before = { text: readFileSync(userKnownHosts, 'utf8'), mtime: statSync(userKnownHosts).mtimeMs };
    expect(before.text).not.toContain('web.example');

    for (const [host, port, key] of [
      ['web.example', 22, ec],
      ['198.18.1.3', 22, ec],
      ['WEB.example', 2222, rsa],
    ] as const) {
      const v = await checkHostKey({ host, port, blob: key.blob }, sources);
      expect(v).toEqual({
        verdict: 'trusted',
        source: 'known_hosts',
        keyType: key.keyType,
        fingerprint: key.fingerprint,
      });
    }
    // the port matters: [web.example]:2222's key is not web.example:22's
    expect((await checkHostKey({ host: 'web.example', port: 22, blob: rsa.blob }, sources)).verdict).toBe(
      'unknown',
    );
    expect(readFileSync(userKnownHosts, 'utf8')).toBe(before.text);
    expect(statSync(userKnownHosts).mtimeMs).toBe(before.mtime);
  });

  it('a key of another type is unknown, not changed (OpenSSH semantics)', async () => {
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    writeUserKnownHosts([`a.example ${keyText(ec)}`]);
    const v = await checkHostKey({ host: 'a.example', port: 22, blob: rsa.blob }, sources);
    expect(v).toEqual({ verdict: 'unknown', keyType: 'ssh-rsa', fingerprint: rsa.fingerprint });
  });

  it('a different key of the same type in ~/.ssh/known_hosts is changed, with its location', async () => {
    writeUserKnownHosts(['# mine', `other.example ${keyText(ed2)}`, `*.example ${keyText(ed)}`]);
    const v = await checkHostKey({ host: 'a.example', port: 22, blob: ed2.blob }, sources);
    expect(v).toEqual({
      verdict: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: ed2.fingerprint,
      expectedFingerprints: [ed.fingerprint],
      source: 'known_hosts',
      location: `${userKnownHosts}:3`,
      locations: [`${userKnownHosts}:3`],
    });
  });

  it('a changed key in the store; forget then trust again makes it trusted', async () => {
    await store.trust('a.example', 2222, ed.keyType, ed.blob);
    const target = { host: 'a.example', port: 2222, blob: ed2.blob };
    const v = await checkHostKey(target, sources);
    expect(v).toMatchObject({
      verdict: 'changed',
      source: 'wgdeck',
      location: `${store.path}:3`,
      expectedFingerprints: [ed.fingerprint],
    });
    await expect(store.trust('a.example', 2222, ed2.keyType, ed2.blob)).rejects.toThrow(/forget the old key/);
    expect(await store.forget('a.example', 2222)).toBe(1);
    expect((await checkHostKey(target, sources)).verdict).toBe('unknown');
    await store.trust('a.example', 2222, ed2.keyType, ed2.blob);
    expect(await checkHostKey(target, sources)).toMatchObject({ verdict: 'trusted', source: 'wgdeck' });
    expect((await checkHostKey({ ...target, blob: ed.blob }, sources)).verdict).toBe('changed');
  });

  it('a key re-trusted in the store wins over an old one still in ~/.ssh/known_hosts (several keys per host)', async () => {
    writeUserKnownHosts([`a.example ${keyText(ed)}`]);
    const target = { host: 'a.example', port: 22, blob: ed2.blob };
    expect(await checkHostKey(target, sources)).toMatchObject({ verdict: 'changed', source: 'known_hosts' });
    await store.trust('a.example', 22, ed2.keyType, ed2.blob); // `--replace`: the store has nothing to forget
    expect(await checkHostKey(target, sources)).toMatchObject({ verdict: 'trusted', source: 'wgdeck' });
  });

  it('changed lists every old key and location, the store first', async () => {
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    writeUserKnownHosts([`a.example ${keyText(ed)}`, `a.example,b.example ${keyText(ed2)}`]);
    const fresh = generateKey(tmp.dir, 'ed25519', `fresh-${counter}`);
    const v = await checkHostKey({ host: 'a.example', port: 22, blob: fresh.blob }, sources);
    expect(v).toEqual({
      verdict: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: fresh.fingerprint,
      expectedFingerprints: [ed.fingerprint, ed2.fingerprint],
      source: 'wgdeck',
      location: `${store.path}:3`,
      locations: [`${store.path}:3`, `${userKnownHosts}:1`, `${userKnownHosts}:2`],
    });
  });

  it('@revoked refuses the key even when the store trusts it', async () => {
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    writeUserKnownHosts(['# revocations', `@revoked * ${keyText(ed)}`]);
    const v = await checkHostKey({ host: 'a.example', port: 22, blob: ed.blob }, sources);
    expect(v).toEqual({
      verdict: 'revoked',
      keyType: 'ssh-ed25519',
      fingerprint: ed.fingerprint,
      location: `${userKnownHosts}:2`,
    });
    // another key for the host is not affected
    expect((await checkHostKey({ host: 'a.example', port: 22, blob: ed2.blob }, sources)).verdict).toBe(
      'changed',
    );
  });

  it('@cert-authority lines are ignored (no certificate support)', async () => {
    writeUserKnownHosts([`@cert-authority *.example ${keyText(ed)}`]);
    const v = await checkHostKey({ host: 'a.example', port: 22, blob: ed.blob }, sources);
    expect(v.verdict).toBe('unknown');
    expect(await preferredHostKeyAlgorithms('a.example', 22, sources)).toEqual([]);
  });

  it('wildcard and negated patterns in ~/.ssh/known_hosts', async () => {
    writeUserKnownHosts([`*.lab.example,!gw.lab.example ${keyText(ec)}`]);
    const check = (host: string) => checkHostKey({ host, port: 22, blob: ec.blob }, sources);
    expect((await check('db.lab.example')).verdict).toBe('trusted');
    expect((await check('gw.lab.example')).verdict).toBe('unknown');
  });

  it('malformed lines in ~/.ssh/known_hosts are skipped and reported', async () => {
    writeUserKnownHosts(['this is not a key line', `a.example ${keyText(ed)}`]);
    const warnings: unknown[] = [];
    const v = await checkHostKey(
      { host: 'a.example', port: 22, blob: ed.blob },
      { ...sources, onWarning: (w) => warnings.push(w) },
    );
    expect(v.verdict).toBe('trusted');
    expect(warnings).toEqual([{ file: userKnownHosts, line: 1, message: expect.any(String) as string }]);
  });

  it('userKnownHostsPath null reads no user file; a broken blob is an error', async () => {
    writeUserKnownHosts([`a.example ${keyText(ed)}`]);
    const v = await checkHostKey(
      { host: 'a.example', port: 22, blob: ed.blob },
      { store, userKnownHostsPath: null },
    );
    expect(v.verdict).toBe('unknown');
    await expect(
      checkHostKey({ host: 'a.example', port: 22, blob: Buffer.from('xx') }, sources),
    ).rejects.toThrow(/malformed SSH public key/);
  });

  it('hostile host names are just strings that match nothing', async () => {
    writeUserKnownHosts([`a.example ${keyText(ed)}`]);
    for (const host of ['a.example ssh-ed25519', 'a.example,*', '$(reboot)', 'x'.repeat(100_000), '*']) {
      const v = await checkHostKey({ host, port: 22, blob: ed.blob }, sources);
      expect(v.verdict, host.slice(0, 30)).toBe('unknown');
    }
  });
});

describe('host key algorithms', () => {
  it('exports the full default ordering (ssh2 1.17 default, no DSA, no SHA-1 ssh-rsa)', () => {
    expect(DEFAULT_HOST_KEY_ALGORITHMS).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
    ]);
    expect(Object.isFrozen(DEFAULT_HOST_KEY_ALGORITHMS)).toBe(true);
  });

  it('maps key types to algorithms', () => {
    expect(hostKeyAlgorithmsForKeyType('ssh-rsa')).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
    expect(hostKeyAlgorithmsForKeyType('ssh-ed25519')).toEqual(['ssh-ed25519']);
    expect(hostKeyAlgorithmsForKeyType('ecdsa-sha2-nistp384')).toEqual(['ecdsa-sha2-nistp384']);
    expect(hostKeyAlgorithmsForKeyType('ssh-dss')).toEqual([]);
    expect(hostKeyAlgorithmsForKeyType('rsa-sha2-512')).toEqual([]); // an algorithm, not a key type
  });

  it('prefers the pinned key types, from both sources, never revoked ones', async () => {
    expect(await preferredHostKeyAlgorithms('a.example', 22, sources)).toEqual([]);
    await store.trust('a.example', 22, rsa.keyType, rsa.blob);
    expect(await preferredHostKeyAlgorithms('a.example', 22, sources)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
    ]);
    writeUserKnownHosts([`a.example ${keyText(ec)}`, `@revoked a.example ${keyText(ed)}`]);
    const preferred = await preferredHostKeyAlgorithms('a.example', 22, sources);
    expect(preferred).toEqual(['ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256']);
    expect(orderHostKeyAlgorithms(preferred)).toEqual([
      'ecdsa-sha2-nistp256',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-ed25519',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
    ]);
    expect(await preferredHostKeyAlgorithms('a.example', 2222, sources)).toEqual([]);
    expect(orderHostKeyAlgorithms([])).toEqual([...DEFAULT_HOST_KEY_ALGORITHMS]);
  });
});

describe('errors', () => {
  it('HostKeyUnknownError', () => {
    const e = new HostKeyUnknownError({
      host: '198.18.1.2',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: ed.fingerprint,
    });
    expect(e.message).toBe(
      `The authenticity of host 198.18.1.2:22 can't be established. ED25519 key fingerprint is ${ed.fingerprint}.`,
    );
    expect(e).toBeInstanceOf(WgDeckError);
    expect(e).toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
      host: '198.18.1.2',
      port: 22,
      fingerprint: ed.fingerprint,
    });
  });

  it('HostKeyChangedError says CHANGED, expected vs got, where, that it may be an attack; no surface’s words', () => {
    const info = {
      host: 'vpn.example',
      port: 2222,
      keyType: 'ecdsa-sha2-nistp256',
      fingerprint: 'SHA256:new',
      expectedFingerprints: ['SHA256:old'],
      location: '/home/u/.ssh/known_hosts:7',
      source: 'known_hosts' as const,
    };
    const e = new HostKeyChangedError({ ...info, serverName: 'vpn-1' });
    expect(e.code).toBe('HOST_KEY_CHANGED');
    expect(e.message).toContain('ECDSA host key of vpn.example:2222 has CHANGED');
    expect(e.message).toContain('Expected SHA256:old (recorded in /home/u/.ssh/known_hosts:7)');
    expect(e.message).toContain('presented SHA256:new');
    expect(e.message).toMatch(/man-in-the-middle attack/);
    expect(e.message).toContain('refused before any credentials were sent');
    // How to re-trust is each surface's hint (the CLI's names the server, shared/error-codes.ts).
    expect(e.message).not.toMatch(/wgdeck|--/);
    expect(e.serverName).toBe('vpn-1');
    expect(e.locations).toEqual(['/home/u/.ssh/known_hosts:7']);
    expect(new HostKeyChangedError(info).serverName).toBeUndefined();
  });

  it('HostKeyRevokedError and hostKeyError for each verdict', async () => {
    writeUserKnownHosts([`@revoked * ${keyText(ed)}`, `b.example ${keyText(ec)}`]);
    const at = (host: string) => ({ host, port: 22 });
    const revoked = hostKeyError(
      at('a.example'),
      await checkHostKey({ ...at('a.example'), blob: ed.blob }, sources),
    );
    expect(revoked).toBeInstanceOf(HostKeyRevokedError);
    expect(revoked).toMatchObject({ code: 'HOST_KEY_REVOKED', location: `${userKnownHosts}:1` });
    expect(revoked?.message).toContain(`is marked @revoked in ${userKnownHosts}:1`);

    const changed = hostKeyError(
      at('b.example'),
      await checkHostKey(
        { ...at('b.example'), blob: generateKey(tmp.dir, 'ecdsa256', 'ec-new').blob },
        sources,
      ),
      'b',
    );
    expect(changed).toBeInstanceOf(HostKeyChangedError);
    expect(changed).toMatchObject({ serverName: 'b' });

    const unknown = hostKeyError(
      at('c.example'),
      await checkHostKey({ ...at('c.example'), blob: rsa.blob }, sources),
    );
    expect(unknown).toBeInstanceOf(HostKeyUnknownError);
    expect(unknown?.message).toContain(`RSA key fingerprint is ${rsa.fingerprint}`);

    expect(
      hostKeyError(at('b.example'), await checkHostKey({ ...at('b.example'), blob: ec.blob }, sources)),
    ).toBeNull();
    expect(
      new HostKeyUnknownError({ host: '2001:2:0:1db8::5', port: 22, keyType: 'ssh-rsa', fingerprint: 'x' })
        .message,
    ).toContain('host [2001:2:0:1db8::5]:22 ');
  });
});

describe('with a real ssh2 server offering several host keys', () => {
  interface Attempt {
    presented: string | undefined;
    verdict: string | undefined;
    authAttempts: number;
    error: string | undefined;
  }

  /** Connects once; the hostVerifier runs checkHostKey and accepts only 'trusted'. */
  async function connect(serverHostKey?: ServerHostKeyAlgorithm[]): Promise<Attempt> {
    let authAttempts = 0;
    const server = new Server({ hostKeys: [ed, ec, rsa].map((k) => readFileSync(k.privatePath)) }, (conn) => {
      conn.on('authentication', (ctx) => {
        authAttempts++;
        ctx.accept();
      });
      conn.on('ready', () => conn.end());
      conn.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const result: Attempt = { presented: undefined, verdict: undefined, authAttempts: 0, error: undefined };
    try {
      await new Promise<void>((resolve) => {
        const client = new Client();
        client.on('ready', () => {
          client.end();
          resolve();
        });
        client.on('error', (err) => {
          result.error = err.message;
          resolve();
        });
        client.connect({
          host: '127.0.0.1',
          port,
          username: 'u',
          password: 'secret',
          readyTimeout: 10_000,
          ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
          hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
            checkHostKey({ host: '127.0.0.1', port, blob }, sources).then(
              (v) => {
                result.presented = v.keyType;
                result.verdict = v.verdict;
                verify(v.verdict === 'trusted');
              },
              () => verify(false),
            );
          },
        });
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    result.authAttempts = authAttempts;
    return result;
  }

  it('an unknown key is refused in hostVerifier, before any credential is sent', async () => {
    const first = await connect();
    expect(first.presented).toBe('ssh-ed25519');
    expect(first.verdict).toBe('unknown');
    expect(first.authAttempts).toBe(0); // refused before any credential was sent
    expect(first.error).toMatch(/verification failed/i);
  });

  it('pins per host:port and orders serverHostKey so the pinned key is the one presented', async () => {
    // ports are random, so trust the RSA key for every [127.0.0.1]:port with a wildcard line
    writeUserKnownHosts([`[127.0.0.1]:* ${keyText(rsa)}`]);
    const preferred = await preferredHostKeyAlgorithms('127.0.0.1', 40000, sources);
    expect(preferred).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);

    const unordered = await connect();
    expect(unordered).toMatchObject({ presented: 'ssh-ed25519', verdict: 'unknown', authAttempts: 0 });

    const ordered = await connect(orderHostKeyAlgorithms(preferred));
    expect(ordered).toMatchObject({
      presented: 'ssh-rsa',
      verdict: 'trusted',
      authAttempts: 1,
      error: undefined,
    });
  });
});
