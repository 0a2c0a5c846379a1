import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openerCommand, redirectHtml, writeRedirectFile } from './open-browser.ts';

const TOKEN = 'Zq0_-tokenTOKENtoken0123456789abcdefghijklm';
const URL_WITH_TOKEN = `http://127.0.0.1:43123/?token=${TOKEN}`;
const runtime = mkdtempSync(join(tmpdir(), 'wgdeck-open-test-'));

afterAll(() => rmSync(runtime, { recursive: true, force: true }));

describe('the --open redirect file', () => {
  it('is 0600 in a fresh 0700 directory, redirects to the tokened URL, and goes away on remove()', () => {
    const redirect = writeRedirectFile(URL_WITH_TOKEN, { XDG_RUNTIME_DIR: runtime });
    expect(dirname(redirect.dir)).toBe(runtime);
    expect(statSync(redirect.dir).mode & 0o777).toBe(0o700);
    expect(statSync(redirect.path).mode & 0o777).toBe(0o600);
    expect(fileURLToPath(redirect.fileUrl)).toBe(redirect.path);
    const html = readFileSync(redirect.path, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`);
    expect(html).toContain(`<a href="${URL_WITH_TOKEN}">`);
    redirect.remove();
    expect(existsSync(redirect.dir)).toBe(false);
    redirect.remove(); // twice is fine (the exit handler and the clean stop)
  });

  it('gets a new directory every time (two serves never share one)', () => {
    const a = writeRedirectFile(URL_WITH_TOKEN, { XDG_RUNTIME_DIR: runtime });
    const b = writeRedirectFile(URL_WITH_TOKEN, { XDG_RUNTIME_DIR: runtime });
    expect(a.dir).not.toBe(b.dir);
    a.remove();
    b.remove();
  });

  it('falls back to the temp dir when XDG_RUNTIME_DIR is unset or gone', () => {
    for (const env of [{}, { XDG_RUNTIME_DIR: join(runtime, 'missing') }]) {
      const redirect = writeRedirectFile(URL_WITH_TOKEN, env);
      expect(dirname(redirect.dir)).toBe(tmpdir());
      expect(statSync(redirect.dir).mode & 0o777).toBe(0o700);
      redirect.remove();
    }
  });

  it('escapes the URL for HTML', () => {
    expect(redirectHtml('http://127.0.0.1:1/?a=1&b="<x>"')).toContain(
      'url=http://127.0.0.1:1/?a=1&amp;b=&quot;&lt;x&gt;&quot;"',
    );
  });

  it.each(['linux', 'darwin', 'win32', 'freebsd'] as const)(
    'the opener command line on %s names the file, never the token',
    (platform) => {
      const redirect = writeRedirectFile(URL_WITH_TOKEN, { XDG_RUNTIME_DIR: runtime });
      const [command, args] = openerCommand(platform, redirect.fileUrl);
      const argv = [command, ...args].join('\0');
      expect(argv).not.toContain(TOKEN);
      expect(args.at(-1)).toBe(redirect.fileUrl);
      redirect.remove();
    },
  );
});
