import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { parseListenAddress } from '../../../shared/exporter-settings.ts';
import { WgDeckError } from '../errors.ts';
import type { MetricsPage } from './metrics-page.ts';

export interface MetricsEndpoint {
  /** `http://ADDR:PORT/metrics` (the port the system gave when asked for 0). */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * A scrape from a web page (DNS rebinding: a site whose name resolves to 127.0.0.1) must not read the
 * fleet's keys and endpoints off a loopback endpoint: on loopback, only a Host that is an address or
 * `localhost` is answered. An endpoint on another address was exposed on purpose, and any Host goes.
 */
export function hostAllowed(listenHost: string, hostHeader: string | undefined): boolean {
  if (!isLoopbackHost(listenHost)) return true;
  if (hostHeader === undefined) return false;
  const host = hostHeader.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || isIP(host) !== 0;
}

/**
 * Serves `GET /metrics` (and HEAD) at `listen` (`ADDR:PORT`), nothing else: no other path, no other
 * method, no body read. One scrape renders at a time; a scrape that comes while one renders shares it.
 */
export async function startMetricsEndpoint(listen: string, page: MetricsPage): Promise<MetricsEndpoint> {
  const address = parseListenAddress(listen);
  if (!address) throw new WgDeckError('USAGE', `${listen} is not ADDR:PORT (e.g. 127.0.0.1:9586).`);
  let rendering: Promise<string> | null = null;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (!hostAllowed(address.host, request.headers.host)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request\n');
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Only /metrics is served here.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    rendering ??= page.render().finally(() => (rendering = null));
    rendering.then(
      (text) => {
        response.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`);
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new WgDeckError('PORT_IN_USE', `${listen} is in use: pick another port for the metrics.`));
      else if (error.code === 'EADDRNOTAVAIL')
        reject(new WgDeckError('USAGE', `${address.host} is not an address of this machine (metrics).`));
      else reject(error);
    });
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
