import { describe, expect, it } from 'vitest';
import { listenAddressSchema, parseListenAddress, vmUrlSchema } from './exporter-settings.ts';

describe('the metrics listen address', () => {
  it.each([
    ['127.0.0.1:9586', { host: '127.0.0.1', port: 9586 }],
    ['[::1]:9586', { host: '::1', port: 9586 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['198.18.0.1:65535', { host: '198.18.0.1', port: 65535 }],
  ])('%s is %o', (text, parsed) => expect(parseListenAddress(text)).toEqual(parsed));

  it.each(['9586', '127.0.0.1', '127.0.0.1:65536', '::1:9586', 'a b:1', ':9586', '$(id):1'])(
    '%s is refused',
    (text) => {
      expect(parseListenAddress(text)).toBeNull();
      expect(listenAddressSchema.safeParse(text).success).toBe(false);
    },
  );
});

describe('the VictoriaMetrics URL', () => {
  it('takes http(s) base URLs, with a path prefix', () => {
    for (const url of ['http://127.0.0.1:8428', 'https://198.18.0.9/vm', 'http://localhost:8428/'])
      expect(vmUrlSchema.safeParse(url).success).toBe(true);
  });

  it('refuses other schemes, a password in the URL, a query', () => {
    const refused = (url: string): string =>
      vmUrlSchema.safeParse(url).error?.issues[0]?.message ?? 'accepted';
    expect(refused('ftp://127.0.0.1')).toMatch(/http/);
    expect(refused('not a url')).toMatch(/http/);
    expect(refused('http://me:secret@127.0.0.1:8428')).toMatch(/password/);
    expect(refused('http://127.0.0.1:8428/?db=x')).toMatch(/query/);
  });
});
