import { describe, expect, it } from 'vitest';
import { downloadName, svgDataUrl } from './client-config.ts';

describe('client config helpers', () => {
  it('makes a data: URL of the SVG (never markup in the page)', () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>');
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(url).not.toContain('<');
    expect(decodeURIComponent(url.slice(url.indexOf(',') + 1))).toContain('<path d="M0 0h1"/>');
  });

  it('keeps download names safe', () => {
    expect(downloadName('laptop.conf')).toBe('laptop.conf');
    expect(downloadName('../etc/passwd')).toBe('.._etc_passwd.conf');
    expect(downloadName('')).toBe('wg-client.conf');
    expect(downloadName('a:b')).toBe('a_b.conf');
  });
});
