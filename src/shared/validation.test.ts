import { describe, expect, it } from 'vitest';
import { isValidHost, serverConfigSchema } from './validation.ts';

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
    for (const host of ['198.18.0.10', 'fd00::10', '::1', 'edge-1.example.org', 'localhost'])
      expect(isValidHost(host), host).toBe(true);
    for (const host of [':::', '1:2:3', '198.18.0.01', '198.18.0', 'fd00::1%eth0', '[fd00::1]', 'a b', ''])
      expect(isValidHost(host), host).toBe(false);
  });
});
