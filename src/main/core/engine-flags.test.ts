import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ENV, ENGINE_V8_FLAGS } from './engine-flags.ts';

describe('the engine flags and environment', () => {
  it('bin/wgdeck starts the CLI (serve, collect) with them', () => {
    const script = readFileSync(join(import.meta.dirname, '../../../bin/wgdeck'), 'utf8');
    const exec = script.split('\n').find((line) => line.startsWith('exec "$node"'));
    expect(exec).toBe(`exec "$node" ${ENGINE_V8_FLAGS.join(' ')} "$root/src/cli/main.ts" "$@"`);
  });

  it('bin/wgdeck exports the engine environment, and only it', () => {
    const script = readFileSync(join(import.meta.dirname, '../../../bin/wgdeck'), 'utf8');
    const exported = script
      .split('\n')
      .filter((line) => line.startsWith('export '))
      .map((line) => line.slice('export '.length).split('='));
    expect(Object.fromEntries(exported)).toEqual(ENGINE_ENV);
  });

  it('are flags this Node takes', () => {
    // V8's own flags are not in process.allowedNodeEnvironmentFlags: run Node with them instead
    // (an unknown one ends it with "bad option").
    const run = spawnSync(process.execPath, [...ENGINE_V8_FLAGS, '-e', 'process.stdout.write("ran")'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ran');
  });

  it('a flag this Node does not take is caught', () => {
    const run = spawnSync(process.execPath, ['--no-such-engine-flag', '-e', ''], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
  });
});
