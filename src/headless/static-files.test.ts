import { describe, expect, it } from 'vitest';
import { contentType, cspFromHtml, resolveStaticPath } from './static-files.ts';

const root = '/srv/renderer';

describe('resolveStaticPath', () => {
  it.each([
    ['/', '/srv/renderer/index.html'],
    ['/?token=abc', '/srv/renderer/index.html'],
    ['/index.html#x', '/srv/renderer/index.html'],
    ['/assets/index-08vw1w_y.js', '/srv/renderer/assets/index-08vw1w_y.js'],
    ['/assets/a%20b.js', '/srv/renderer/assets/a b.js'],
  ])('%s → %s', (url, file) => {
    expect(resolveStaticPath(root, url)).toBe(file);
  });

  it.each([
    '/../package.json',
    '/..',
    '/assets/../../x',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/..%2fpackage.json',
    '/..%5cpackage.json',
    '/assets\\..\\..\\x',
    '//etc/passwd',
    '/%2fetc/passwd',
    '/.git/config',
    '/assets/.hidden',
    '/./index.html',
    '/a%00.js',
    '/%E0%A4%A',
    'index.html',
    'http://evil.example/index.html',
    '',
    `/${'a/'.repeat(600)}`,
  ])('refuses %j', (url) => {
    expect(resolveStaticPath(root, url)).toBeNull();
  });
});

describe('contentType', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.CSS', 'text/css; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.woff2', 'font/woff2'],
    ['a.exe', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s → %s', (file, type) => {
    expect(contentType(file)).toBe(type);
  });
});

describe('cspFromHtml', () => {
  it('reads the meta CSP across lines, with single quotes inside double quotes', () => {
    const html = `<head>\n<meta charset="UTF-8" />\n<meta\n  http-equiv="Content-Security-Policy"\n  content="default-src 'self'; object-src 'none'"\n/>`;
    expect(cspFromHtml(html)).toBe("default-src 'self'; object-src 'none'");
  });

  it('is null without one', () => {
    expect(cspFromHtml('<meta name="viewport" content="width=device-width">')).toBeNull();
  });
});
