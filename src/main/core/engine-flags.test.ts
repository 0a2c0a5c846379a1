import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_V8_FLAGS } from './engine-flags.ts';

describe('engine V8 flags', () => {
  it('bin/wgdeck starts the CLI (serve, collect) with them', () => {
    const script = readFileSync(join(import.meta.dirname, '../../../bin/wgdeck'), 'utf8');
    const exec = script.split('\n').find((line) => line.startsWith('exec "$node"'));
    expect(exec).toBe(`exec "$node" ${ENGINE_V8_FLAGS.join(' ')} "$root/src/cli/main.ts" "$@"`);
  });

  it('are flags this Node takes', () => {
    for (const flag of ENGINE_V8_FLAGS)
      expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
  });
});
