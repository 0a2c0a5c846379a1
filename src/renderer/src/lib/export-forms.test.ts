import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import {
  exportToForm,
  metricsStatusText,
  pushStatusText,
  validateExportForm,
  type ExportForm,
} from './export-forms.ts';

const form = exportToForm(DEFAULT_SETTINGS);
const check = (change: Partial<ExportForm>) => validateExportForm({ ...form, ...change });

describe('validateExportForm', () => {
  it('turns the defaults into the defaults, empty fields into off', () => {
    expect(form).toEqual({
      listen: '',
      names: 'mdlayher',
      vmUrl: '',
      vmAuth: 'none',
      vmUsername: '',
      vmSecret: '',
      vmPush: true,
      vmReadCharts: true,
    });
    expect(check({})).toEqual({
      ok: true,
      patch: { metrics: DEFAULT_SETTINGS.metrics, victoriaMetrics: DEFAULT_SETTINGS.victoriaMetrics },
      secret: null,
    });
  });

  it('takes an endpoint, a VictoriaMetrics with basic auth and a new password', () => {
    const result = check({
      listen: ' 127.0.0.1:9586 ',
      names: 'mindflavor',
      vmUrl: 'http://127.0.0.1:8428/',
      vmAuth: 'basic',
      vmUsername: 'deck',
      vmSecret: 's3cret',
      vmReadCharts: false,
    });
    expect(result).toEqual({
      ok: true,
      patch: {
        metrics: { listen: '127.0.0.1:9586', names: 'mindflavor' },
        victoriaMetrics: {
          url: 'http://127.0.0.1:8428',
          auth: 'basic',
          username: 'deck',
          push: true,
          readCharts: false,
        },
      },
      secret: 's3cret',
    });
    // A username only goes with basic auth.
    const bearer = check({ vmUrl: 'https://127.0.0.1', vmAuth: 'bearer', vmUsername: 'deck' });
    expect(bearer.ok && bearer.patch.victoriaMetrics.username).toBeNull();
  });

  it('says what is wrong with each field, in the schema’s words', () => {
    expect(check({ listen: '127.0.0.1' })).toEqual({
      ok: false,
      errors: { listen: 'give ADDR:PORT, e.g. 127.0.0.1:9586' },
    });
    expect(check({ vmUrl: 'ftp://127.0.0.1' })).toEqual({
      ok: false,
      errors: { vmUrl: 'give an http:// or https:// URL' },
    });
    expect(check({ vmUrl: 'http://me:pw@127.0.0.1:8428' })).toEqual({
      ok: false,
      errors: { vmUrl: 'leave the password out of the URL: set it as the password' },
    });
    expect(check({ vmUrl: 'http://127.0.0.1:8428', vmAuth: 'basic' })).toEqual({
      ok: false,
      errors: { vmUsername: 'basic auth needs a username' },
    });
  });
});

describe('exporter status lines', () => {
  const now = 1_800_000_000_000;
  it('names the endpoint or why it is not served', () => {
    expect(metricsStatusText({ url: 'http://127.0.0.1:9586/metrics', error: null })).toBe(
      '/metrics at http://127.0.0.1:9586/metrics',
    );
    expect(metricsStatusText({ url: null, error: 'address in use' })).toBe('not served: address in use');
    expect(metricsStatusText({ url: null, error: null })).toBe('off');
  });

  it('says how the push is doing and what waits on disk', () => {
    const push = {
      state: 'ok' as const,
      lastPushAt: now - 3000,
      backlogSamples: 0,
      backlogBytes: 0,
      error: null,
    };
    expect(pushStatusText(push, now)).toBe('ok, last push 3 s ago');
    expect(pushStatusText({ ...push, lastPushAt: null }, now)).toBe('ok, no push yet');
    expect(
      pushStatusText(
        { ...push, state: 'failing', error: 'HTTP 503', backlogSamples: 12_345, backlogBytes: 4_300_000 },
        now,
      ),
    ).toBe('failing: HTTP 503 — 12,345 samples (4.10 MiB) buffered on disk');
    expect(pushStatusText({ ...push, state: 'off' }, now)).toBe('off');
  });
});
