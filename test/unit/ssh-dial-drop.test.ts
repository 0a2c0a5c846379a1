// A server that drops the connection in the middle of the SSH handshake: dial fails with a clear
// error, and nothing escapes as an uncaught exception (ssh2 may emit a second error while a
// half-open connection is torn down).
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { dial } from '../../src/main/core/ssh/dial.ts';

let server: Server;
let port = 0;
const sockets: Socket[] = [];
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

beforeEach(async () => {
  process.on('uncaughtException', onUncaught);
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    // A banner, then part of a key exchange, then gone — like sshd killed mid-handshake.
    socket.write('SSH-2.0-OpenSSH_9.2\r\n');
    socket.once('data', () => setTimeout(() => socket.destroy(), 5));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterEach(async () => {
  process.off('uncaughtException', onUncaught);
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('rejects with UNREACHABLE when the server drops the handshake, and throws nothing uncaught', async () => {
  for (let i = 0; i < 5; i++) {
    const error = await dial({
      target: {
        endpoint: { host: '127.0.0.1', port, user: 'root' },
        auth: { methods: [{ type: 'none', username: 'root' }], described: [] },
      },
      gate: { check: () => Promise.resolve(), algorithms: () => Promise.resolve(undefined) },
      readyTimeoutMs: 5000,
    }).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toBe('UNREACHABLE');
  }
  await new Promise((resolve) => setTimeout(resolve, 100)); // late events, if any
  expect(uncaught).toEqual([]);
});
