import { describe, expect, it } from 'vitest';
import {
  MAX_JUMP_HOPS,
  isValidHost,
  jumpSchema,
  parseJump,
  parseJumpChain,
  serverConfigSchema,
} from './validation.ts';

const server = (configPath: string) => ({
  name: 'edge-1',
  host: '198.18.0.10',
  port: 22,
  user: 'root',
  sudo: false,
  configPaths: { wg0: configPath },
});

describe('config paths', () => {
  it('accept absolute paths to IF.conf in a sane alphabet', () => {
    for (const path of [
      '/etc/wireguard/wg0.conf',
      '/srv/wg_configs/site-a/wg0.conf',
      '/opt/vpn@2/a+b=c,d/wg0.conf',
    ]) {
      expect(serverConfigSchema.safeParse(server(path)).success, path).toBe(true);
    }
  });

  it('refuse control characters, quotes, spaces and shell syntax anywhere in the path', () => {
    for (const path of [
      '/etc/\u001b[31mred/wg0.conf',
      '/etc/wire\rguard/wg0.conf',
      "/etc/it's/wg0.conf",
      '/etc/"q"/wg0.conf',
      '/etc/$(reboot)/wg0.conf',
      '/etc/`id`/wg0.conf',
      '/etc/with space/wg0.conf',
      '/etc/wireguard/../shadow/wg0.conf',
      'etc/wireguard/wg0.conf',
      '/etc/wireguard/wg0.txt',
      '/etc/wireguard/\u202ewg0.conf',
    ]) {
      expect(serverConfigSchema.safeParse(server(path)).success, JSON.stringify(path)).toBe(false);
    }
  });
});

describe('hosts', () => {
  it('take IPv4 and IPv6 addresses by the shared rule, and DNS names', () => {
    for (const host of ['198.18.0.10', '2001:2:0:1000::10', '::1', 'edge-1.example.org', 'localhost'])
      expect(isValidHost(host), host).toBe(true);
    for (const host of [
      ':::',
      '2001:2:0:1000',
      '198.18.0.01',
      '198.18.0',
      '2001:2:0:1000::1%eth0',
      '[2001:2:0:1000::1]',
      'a b',
      '',
    ])
      expect(isValidHost(host), host).toBe(false);
  });
});

describe('jump hosts (ProxyJump)', () => {
  const problem = (spec: string): string | undefined => {
    const result = jumpSchema.safeParse(spec);
    return result.success ? undefined : result.error.issues[0]?.message;
  };

  it('read one hop as [user@]host[:port], IPv6 in brackets, port 22 by default', () => {
    expect(parseJump('bastion')).toEqual({ host: 'bastion', port: 22 });
    expect(parseJump('ops@198.18.0.1:2222')).toEqual({ user: 'ops', host: '198.18.0.1', port: 2222 });
    expect(parseJump('[2001:2:0:1002::1]:2200')).toEqual({ host: '2001:2:0:1002::1', port: 2200 });
    expect(parseJump('a,b')).toBeNull(); // one hop only: a chain is parseJumpChain's
  });

  it('read a comma-separated chain, hops in the order they are connected', () => {
    expect(parseJumpChain('ops@bastion.example.net:2222,198.18.0.1,root@[2001:2:0:1002::1]')).toEqual([
      { user: 'ops', host: 'bastion.example.net', port: 2222 },
      { host: '198.18.0.1', port: 22 },
      { user: 'root', host: '2001:2:0:1002::1', port: 22 },
    ]);
    expect(parseJumpChain('bastion')).toEqual([{ host: 'bastion', port: 22 }]);
    const longest = Array.from({ length: MAX_JUMP_HOPS }, (_, i) => `198.18.0.${i + 1}`).join(',');
    expect(parseJumpChain(longest)).toHaveLength(MAX_JUMP_HOPS);
    expect(jumpSchema.safeParse(longest).success).toBe(true);
  });

  it('refuse a chain with a bad or empty hop, naming the hop', () => {
    for (const [spec, message] of [
      ['a@@b', /^the jump host \("a@@b"\) is not \[user@\]host\[:port\]/],
      ['', /^a jump host is \[user@\]host\[:port\]/],
      ['bastion,', /^jump host 2 of 2 is empty/],
      [',bastion', /^jump host 1 of 2 is empty/],
      ['a,,b', /^jump host 2 of 3 is empty/],
      ['a, b', /^jump host 2 of 2 \(" b"\) is not/],
      ['a,b:99999,c', /^jump host 2 of 3 \("b:99999"\) is not/],
      ['a,2001:2:0:1002::1', /^jump host 2 of 2 \("2001:2:0:1002::1"\) is not .*IPv6 in brackets/],
      ['a,b\u001b[31m', /^jump host 2 of 2 \("b\\u001B\[31m"\) is not/],
    ] as const) {
      expect(problem(spec), JSON.stringify(spec)).toMatch(message);
      expect(parseJumpChain(spec), JSON.stringify(spec)).toBeNull();
    }
  });

  it(`refuse more than ${MAX_JUMP_HOPS} hops`, () => {
    const spec = Array.from({ length: MAX_JUMP_HOPS + 1 }, () => 'bastion').join(',');
    expect(problem(spec)).toBe(
      `a jump chain has at most ${MAX_JUMP_HOPS} jump hosts, this one has ${MAX_JUMP_HOPS + 1}`,
    );
    expect(parseJumpChain(spec)).toBeNull();
  });

  it("keep a stored server's jump a string, one hop or a chain", () => {
    const base = { name: 'edge-1', host: '198.18.0.10', port: 22, user: 'root', sudo: false };
    expect(serverConfigSchema.parse({ ...base, jump: 'ops@198.18.0.1:2222' }).jump).toBe(
      'ops@198.18.0.1:2222',
    );
    expect(serverConfigSchema.parse({ ...base, jump: 'a,ops@b:2222' }).jump).toBe('a,ops@b:2222');
    const refused = serverConfigSchema.safeParse({ ...base, jump: 'a,,b' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['jump']);
  });
});
