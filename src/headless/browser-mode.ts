import { readFileSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  TOKEN_REFUSED_CLOSE,
  TOKEN_REFUSED_REASON,
  tokenFromProtocols,
  WS_PROTOCOL,
} from '../shared/ws-auth.ts';
import type { ResultMessage } from '../shared/rpc.ts';
import { serveRpc, type ServedEngine } from '../shared/serve-rpc.ts';
import { EventFanout, eventText } from './event-fanout.ts';
import {
  allowedHosts,
  hostWithPort,
  isAllowedHost,
  isLoopback,
  isSameOrigin,
  isWildcard,
} from './request-guard.ts';
import { contentType, cspFromHtml, cspHeader, resolveStaticPath } from './static-files.ts';
import { createToken, tokenMatches } from './token.ts';

/** What browser mode needs of an Engine: its handlers and its events. */
export type EngineLike = ServedEngine;

export interface BrowserModeOptions {
  engine: EngineLike;
  /** 0: any free port. */
  port?: number;
  /** Loopback by default. Anything else is deliberate: the caller warns (see `exposureWarning`). */
  listen?: string;
  /** The built renderer (`out/renderer`), with index.html. */
  rendererDir: string;
  /** For tests: a fixed token instead of a random one. */
  token?: string;
}

export interface BrowserMode {
  /** The URL to open, with the token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Largest message a client may send (the biggest legitimate one, `server:add`, is a few KiB). */
export const MAX_INBOUND_BYTES = 1024 * 1024;
/** Calls one socket may have running at once; more are refused rather than queued. */
export const MAX_PENDING_CALLS = 32;

/** The warning for a listen address other than loopback, or null. */
export function exposureWarning(listen: string): string | null {
  if (isLoopback(listen)) return null;
  const where = isWildcard(listen) ? 'every network interface' : listen;
  return (
    `Warning: WG Deck is listening on ${where}. Anyone who can reach that address and has the token ` +
    'controls your fleet (plain HTTP: the token crosses the network unencrypted).'
  );
}

function machineNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) names.push(address.address.replace(/%.*$/, ''));
  }
  return names;
}

/**
 * Browser mode: the built renderer over HTTP and the contract over a WebSocket, behind a token. The
 * static bundle holds no secret, so it is served to any request with our own Host header; the token
 * gates the WebSocket only (see shared/ws-auth.ts), and nothing ever sets a cookie.
 */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const { engine } = options;
  const listen = options.listen ?? '127.0.0.1';
  const rendererDir = await realpath(resolve(options.rendererDir));
  const metaCsp = cspFromHtml(readFileSync(join(rendererDir, 'index.html'), 'utf8'));
  if (!metaCsp) throw new Error(`${rendererDir}/index.html declares no Content-Security-Policy.`);
  const token = options.token ?? createToken();
  let allowed = new Set<string>();

  const securityHeaders = {
    'Content-Security-Policy': cspHeader(metaCsp),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  const reply = (
    res: ServerResponse,
    status: number,
    body: string,
    type = 'text/plain; charset=utf-8',
  ): void => {
    res.writeHead(status, { ...securityHeaders, 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!isAllowedHost(req.headers.host, allowed)) {
      reply(res, 421, 'Misdirected request: this server answers only to its own address.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply(res, 405, 'Method not allowed.\n');
      return;
    }
    const file = resolveStaticPath(rendererDir, req.url ?? '/');
    const real = file ? await realpath(file).catch(() => null) : null;
    const info = real?.startsWith(rendererDir + sep) ? await stat(real).catch(() => null) : null;
    if (!real || !info?.isFile()) {
      reply(res, 404, 'Not found.\n');
      return;
    }
    const body = await readFile(real);
    const isIndex = real === join(rendererDir, 'index.html');
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentType(real),
      'Content-Length': body.length,
      'Cache-Control': isIndex ? 'no-store' : 'private, no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'Internal error.\n');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INBOUND_BYTES,
    perMessageDeflate: false,
    // Select our protocol, never the token entry (the answer must not echo the secret).
    handleProtocols: (offered: Set<string>) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const fanout = new EventFanout();
  const sockets = new Set<WebSocket>();

  const refuseUpgrade = (socket: Duplex, status: number, text: string): void => {
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAllowedHost(req.headers.host, allowed)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (!isSameOrigin(req.headers.origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    const authorized = tokenMatches(tokenFromProtocols(req.headers['sec-websocket-protocol']), token);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Tracked (and guarded against errors) even when refused, so stopping never waits on a client.
      sockets.add(ws);
      ws.on('error', () => ws.terminate());
      ws.on('close', () => sockets.delete(ws));
      // Refused with a close code the page can show ("open the printed URL"); nothing is read or sent.
      if (!authorized) return ws.close(TOKEN_REFUSED_CLOSE, TOKEN_REFUSED_REASON);
      accept(ws);
    });
  });

  const rpc = serveRpc(engine, { publish: (event, payload) => fanout.publish(eventText(event, payload)) });

  const accept = (ws: WebSocket): void => {
    fanout.add(ws);
    const connection = rpc.connect({
      maxPending: MAX_PENDING_CALLS,
      reply: (message: ResultMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      },
    });
    ws.on('close', () => fanout.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return ws.close(1003, 'text messages only');
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawText(data));
      } catch {
        return ws.close(1007, 'invalid JSON');
      }
      if (!connection.receive(parsed)) ws.close(1008, 'expected an invoke message');
    });
  };

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, listen, () => {
      server.off('error', fail);
      done();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(listen, port, isWildcard(listen) ? machineNames() : []);
  const urlHost = isWildcard(listen) ? hostWithPort('127.0.0.1', port) : hostWithPort(listen, port);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}/?token=${token}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        rpc.stop();
        for (const ws of sockets) ws.close(1001, 'WG Deck is stopping');
        const timer = setTimeout(() => sockets.forEach((ws) => ws.terminate()), 1000);
        wss.close();
        server.close(() => {
          clearTimeout(timer);
          done();
        });
        server.closeAllConnections();
        if (sockets.size === 0) clearTimeout(timer);
      })),
  };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
