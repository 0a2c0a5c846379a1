// The alert service around the evaluator: rules kept in alerts.json (round trip, a damaged file is
// an error, not replaced), alert.fired/resolved published on the bus and the firing list emitted once
// per change, and the webhook POSTed to a real HTTP server on 127.0.0.1 (snoozed alerts are not).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FiringAlert } from '../../../shared/alerts.ts';
import { DomainEventBus, type DomainEvent } from '../bus/domain-events.ts';
import { AlertService } from './alert-service.ts';
import { AlertStore } from './alert-store.ts';
import { KEY_A } from './alerts.testkit.ts';
import { postWebhook, type WebhookPayload } from './webhook.ts';

interface Received {
  method: string;
  contentType: string | undefined;
  body: WebhookPayload;
}

let http: Server;
let received: Received[];
let status: number;
let baseUrl: string;
/** Requests to /slow are never answered (the timeout). */
const hanging: IncomingMessage[] = [];

beforeEach(async () => {
  received = [];
  status = 204;
  http = createServer((request, response) => {
    if (request.url === '/slow') {
      hanging.push(request);
      return;
    }
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(text) as WebhookPayload,
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  const until = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the webhook', () => {
  it('POSTs JSON and returns the status; an error status, a refused port and a timeout are results', async () => {
    const payload: WebhookPayload = { source: 'wg-deck', event: 'test', at: 1, alert: null, message: 'hi' };
    expect(await postWebhook(`${baseUrl}/hook`, payload)).toEqual({ ok: true, status: 204, error: null });
    expect(received).toEqual([{ method: 'POST', contentType: 'application/json', body: payload }]);
    status = 500;
    expect(await postWebhook(`${baseUrl}/hook`, payload)).toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500',
    });
    const slow = await postWebhook(`${baseUrl}/slow`, payload, 200);
    expect(slow).toEqual({ ok: false, status: null, error: 'no answer within 0.2 s' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await postWebhook(`http://127.0.0.1:${port}/`, payload);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/ECONNREFUSED/);
    expect((await postWebhook('file:///etc/passwd', payload)).error).toMatch(/http/);
  });
});

describe('the alert service', () => {
  let dataDir: string;
  let bus: DomainEventBus;
  let published: DomainEvent[];
  let changes: FiringAlert[][];
  let now: number;
  let service: AlertService;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-alerts-'));
    bus = new DomainEventBus((error) => {
      throw error;
    });
    published = [];
    changes = [];
    now = 1_800_000_000_000;
    bus.subscribe((e) => {
      if (e.type.startsWith('alert.')) published.push(e);
    });
    service = new AlertService({
      dataDir,
      bus,
      live: () => [],
      onChange: (firing) => changes.push(firing),
      primary: () => true,
      now: () => now,
    });
    await service.ready();
  });

  afterEach(() => service.close());

  it('keeps rules in alerts.json: add, edit, snooze, remove; a damaged file is an error', async () => {
    const added = await service.add({ kind: 'server-unreachable', server: 'edge', minutes: 5 });
    if (added.kind !== 'server-unreachable') throw new Error('kind');
    expect(added).toMatchObject({ kind: 'server-unreachable', enabled: true, snoozedUntil: null });
    expect(added.id).toMatch(/^[a-z0-9]{8}$/);
    const file = JSON.parse(readFileSync(join(dataDir, 'alerts.json'), 'utf8')) as { version: number };
    expect(file).toEqual({ version: 1, rules: [added], webhook: { url: null } });
    await service.update({ ...added, minutes: 10, enabled: false });
    const snoozed = await service.snooze(added.id, 3600);
    expect(snoozed).toMatchObject({ minutes: 10, enabled: false, snoozedUntil: now / 1000 + 3600 });
    expect(await new AlertStore(dataDir).rules()).toEqual([snoozed]);
    expect((await service.snooze(added.id, null)).snoozedUntil).toBeNull();
    await service.setWebhook({ url: `${baseUrl}/hook` });
    expect(await service.webhook()).toEqual({ url: `${baseUrl}/hook` });
    await service.remove(added.id);
    expect(await service.list()).toEqual([]);
    await expect(service.remove(added.id)).rejects.toMatchObject({ code: 'NO_SUCH_ALERT_RULE' });
    await expect(service.setWebhook({ url: 'ftp://host.example.net/' })).rejects.toThrow(/http/);
    writeFileSync(join(dataDir, 'alerts.json'), '{"version":1,"rules":[{"kind":"nope"}]}');
    await expect(service.list()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('publishes fired and resolved on the bus, emits the firing list on change, posts the webhook', async () => {
    await service.setWebhook({ url: `${baseUrl}/hook` });
    const rule = await service.add({ kind: 'ping-loss', minutes: 0 });
    const ping = { server: 'edge', iface: 'wg0', publicKey: KEY_A, address: '198.18.0.2' };
    bus.publish([{ type: 'peer.pingFailed', ...ping, at: now }]);
    expect(published).toEqual([
      expect.objectContaining({
        type: 'alert.fired',
        server: 'edge',
        iface: 'wg0',
        publicKey: KEY_A,
        rule: rule.id,
      }),
    ]);
    expect(service.firing()).toHaveLength(1);
    expect(changes.at(-1)).toEqual(service.firing());
    const changed = changes.length;
    service.tick(); // nothing new: no event, no emit
    expect(changes).toHaveLength(changed);
    await waitFor(() => received.length === 1, 'the fired POST');
    expect(received[0]!.body).toMatchObject({
      source: 'wg-deck',
      event: 'alert.fired',
      alert: { rule: rule.id },
    });

    now += 60_000;
    bus.publish([{ type: 'peer.pingRecovered', ...ping, rttMs: 2, at: now }]);
    expect(published.map((e) => e.type)).toEqual(['alert.fired', 'alert.resolved']);
    expect(changes.at(-1)).toEqual([]);
    await waitFor(() => received.length === 2, 'the resolved POST');
    expect(received[1]!.body.event).toBe('alert.resolved');
  });

  it('lists and logs a snoozed rule’s alert, but does not post it; the test POST reports the status', async () => {
    await service.setWebhook({ url: `${baseUrl}/hook` });
    const rule = await service.add({ kind: 'server-unreachable', minutes: 0 });
    await service.snooze(rule.id, 'until-cleared');
    bus.publish([{ type: 'server.unreachable', server: 'edge', at: now, state: 'error', error: null }]);
    expect(published.map((e) => e.type)).toEqual(['alert.fired']);
    expect(service.firing().map((a) => a.snoozed)).toEqual([true]);
    // Lifting the snooze changes the list (the notifiers see it is no longer snoozed).
    await service.snooze(rule.id, null);
    expect(changes.at(-1)!.map((a) => a.snoozed)).toEqual([false]);
    expect(await service.testWebhook(null)).toEqual({ ok: true, status: 204, error: null });
    expect(received.map((r) => r.body.event)).toEqual(['test']);
    status = 404;
    expect(await service.testWebhook(`${baseUrl}/other`)).toEqual({
      ok: false,
      status: 404,
      error: 'HTTP 404',
    });
  });
});
