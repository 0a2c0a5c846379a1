import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { FileMatcher, getFileMatchers } from 'app-builder-lib/out/fileMatcher.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Packaging cannot run here (electron-builder downloads Electron's binary), so the config is tested as
 * data — loaded the way `npm run dist` loads it (electron-builder's own loader, merged with
 * package.json) and validated against electron-builder's own schema.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CONFIG = 'build/electron-builder.ts';

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(ROOT, join(ROOT, CONFIG), null);
  await validateConfiguration(config, new DebugLogger(false));
});

const FILE = { isDirectory: () => false } as Stats;

/** Whether electron-builder's own matcher, given the config's `files`, puts an app file in app.asar. */
function shipsInApp(file: string): boolean {
  const matchers = getFileMatchers(config, 'files', '/', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: {},
    globalOutDir: join(ROOT, 'dist'),
    defaultSrc: ROOT,
  });
  if (!matchers) throw new Error('the config has no files patterns');
  return matchers.some((matcher) => matcher.createFilter()(join(ROOT, file), FILE));
}

/** The same for a dependency's file: electron-builder collects production node_modules itself and
 * applies only the exclusions of `files` to them (getNodeModuleFileMatcher). */
function shipsInDependencies(file: string): boolean {
  const exclusions = (config.files as { filter: string[] }[]).flatMap((set) =>
    set.filter.filter((pattern) => pattern.startsWith('!')),
  );
  return new FileMatcher(ROOT, '/', (p) => p, ['**/*', ...exclusions]).createFilter()(join(ROOT, file), FILE);
}

describe('electron-builder config', () => {
  it('is what `npm run dist` uses', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts['dist']).toBe(`npm run build && electron-builder --config ${CONFIG}`);
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
  });

  it('keeps the app id and name', () => {
    expect(config.appId).toBe('org.wgdeck.desktop');
    expect(config.productName).toBe('WG Deck');
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
    // onlyLoadAppFromAsar and the integrity check need the app in an asar.
    expect(config.asar).not.toBe(false);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('ships the built bundles, never sources, tests, the lab or Node-ABI native builds', () => {
    for (const file of [
      'out/main/index.js',
      'out/main/engine-process.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-Dnk_4TLE.js',
    ]) {
      expect(shipsInApp(file), file).toBe(true);
    }
    for (const file of [
      'src/main/index.ts',
      'src/main/app-protocol.test.ts',
      'src/renderer/index.html',
      'test/unit/packaging.test.ts',
      'e2e/ui.spec.ts',
      'e2e/lab/cli.ts',
      'bench/run.ts',
      'scripts/start.mjs',
      'resources/icon.svg',
      'build/electron-builder.ts',
      'out/main/index.js.map',
      '.git/config',
      'README.md',
    ]) {
      expect(shipsInApp(file), file).toBe(false);
    }
    expect(shipsInDependencies('node_modules/ssh2/lib/index.js')).toBe(true);
    expect(shipsInDependencies('node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')).toBe(
      false,
    );
    expect(shipsInDependencies('node_modules/cpu-features/build/Release/cpufeatures.node')).toBe(false);
    expect(config.npmRebuild).toBe(false);
  });

  it('has its icon on disk: a 512×512 PNG, with the SVG it is made from', () => {
    expect(typeof config.icon).toBe('string');
    const icon = join(ROOT, config.icon as string);
    expect(existsSync(icon)).toBe(true);
    expect(existsSync(join(ROOT, 'resources', 'icon.svg'))).toBe(true);
    const png = readFileSync(icon);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(statSync(icon).size).toBeGreaterThan(1000);
  });
});
