import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, devServerUrl, rendererStartUrl } from './renderer-location.ts';

describe('devServerUrl', () => {
  const env = (url: string): Record<string, string> => ({ ELECTRON_RENDERER_URL: url });

  it('honours electron-vite’s dev server in development', () => {
    expect(devServerUrl(false, env('http://localhost:5173'))).toBe('http://localhost:5173');
    expect(devServerUrl(false, env('http://127.0.0.1:5173/'))).toBe('http://127.0.0.1:5173/');
    expect(devServerUrl(false, env('https://[::1]:5173/'))).toBe('https://[::1]:5173/');
  });

  it('ignores it in a packaged app, whatever it says', () => {
    expect(devServerUrl(true, env('http://localhost:5173'))).toBeUndefined();
    expect(devServerUrl(true, env('http://127.0.0.1:5173/'))).toBeUndefined();
  });

  it('is none when the variable is unset or empty', () => {
    expect(devServerUrl(false, {})).toBeUndefined();
    expect(devServerUrl(false, env(''))).toBeUndefined();
  });

  it.each([
    'file:///tmp/evil.html',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'ws://localhost:5173/',
    'app://wg-deck/index.html',
    'http://198.18.0.10:5173/', // not loopback: a dev server is on this machine
    'http://localhost.evil.example:5173/',
    'http://user:pw@localhost:5173/',
    'not a url',
  ])('refuses %s even in development', (url) => {
    expect(devServerUrl(false, env(url))).toBeUndefined();
  });
});

describe('rendererStartUrl', () => {
  it('is the app:// page unless a dev server was chosen', () => {
    expect(rendererStartUrl({})).toBe('app://wg-deck/index.html');
    expect(APP_INDEX_URL).toBe('app://wg-deck/index.html');
    expect(rendererStartUrl({ devServerUrl: 'http://localhost:5173' })).toBe('http://localhost:5173');
  });
});
