// WG Deck offers no SHA-1: not `ssh-rsa` host key signatures, not hmac-sha1 MACs (as OpenSSH 8.8+
// does). An in-process ssh2 Server that offers nothing better is refused with an error naming what it
// offers; one with an RSA key and SHA-2 signatures is still fine.
import { afterEach, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import type { Algorithms, NegotiatedAlgorithms } from 'ssh2';
import { dial } from '../../src/main/core/ssh/dial.ts';

const { Server, utils } = ssh2;

const servers: InstanceType<typeof Server>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

const rsaHostKey = utils.generateKeyPairSync('rsa', { bits: 2048 }).private;

/** A server with an RSA host key and these algorithms, accepting anyone (auth never gets that far). */
async function serverOffering(algorithms: Algorithms): Promise<{
  port: number;
  authAttempts: () => number;
  negotiated: () => NegotiatedAlgorithms | null;
}> {
  let attempts = 0;
  let negotiated: NegotiatedAlgorithms | null = null;
  const server = new Server({ hostKeys: [rsaHostKey], algorithms }, (client) => {
    client.on('error', () => undefined);
    client.on('handshake', (agreed) => (negotiated = agreed));
    client.on('authentication', (ctx) => {
      attempts += 1;
      ctx.accept();
    });
    client.on('ready', () => client.end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    authAttempts: () => attempts,
    negotiated: () => negotiated,
  };
}

function connect(port: number) {
  return dial({
    target: {
      endpoint: { host: '127.0.0.1', port, user: 'root' },
      auth: { methods: [{ type: 'none', username: 'root' }], described: [] },
    },
    gate: { check: () => Promise.resolve(), algorithms: () => Promise.resolve(undefined) },
    readyTimeoutMs: 10_000,
  });
}

async function refusal(port: number): Promise<{ code?: string; message: string }> {
  return await connect(port).then(
    (session) => {
      session.close();
      return { message: 'connected' };
    },
    (error: unknown) => error as { code?: string; message: string },
  );
}

describe('SSH algorithms', () => {
  it('refuses a server whose only host key algorithm is ssh-rsa (SHA-1), naming it', async () => {
    const server = await serverOffering({ serverHostKey: ['ssh-rsa'] });
    const error = await refusal(server.port);
    expect(error.code).toBe('WEAK_SSH_ALGORITHM');
    expect(error.message).toContain(`127.0.0.1:${server.port} offers only ssh-rsa (SHA-1) host keys`);
    expect(error.message).toContain('rsa-sha2-256');
    expect(server.authAttempts()).toBe(0);
  });

  it('refuses a server whose only MAC is hmac-sha1, naming it', async () => {
    // Without an AEAD cipher the MAC is negotiated (with chacha20-poly1305 or AES-GCM it is implicit).
    const server = await serverOffering({ cipher: ['aes128-ctr'], hmac: ['hmac-sha1'] });
    const error = await refusal(server.port);
    expect(error.code).toBe('WEAK_SSH_ALGORITHM');
    expect(error.message).toContain(`127.0.0.1:${server.port} offers only hmac-sha1 (SHA-1) MACs`);
    expect(server.authAttempts()).toBe(0);
  });

  it('still connects to an RSA host key signed with SHA-2, and to SHA-2 MACs', async () => {
    const server = await serverOffering({
      serverHostKey: ['rsa-sha2-512', 'ssh-rsa'],
      cipher: ['aes128-ctr'],
      hmac: ['hmac-sha2-256', 'hmac-sha1'],
    });
    const session = await connect(server.port);
    session.close();
    expect(server.negotiated()).toMatchObject({
      serverHostKey: 'rsa-sha2-512',
      cs: { mac: 'hmac-sha2-256' },
    });
    expect(server.authAttempts()).toBe(1);
  });
});
