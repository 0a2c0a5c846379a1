import type { Configuration } from 'electron-builder';

/**
 * `npm run dist`: the desktop app packaged by electron-builder from electron-vite's output (`out/`),
 * into `dist/`. Loaded by electron-builder (`--config build/electron-builder.ts`) and by
 * test/unit/packaging.test.ts, which checks it with electron-builder's own loader and schema, since
 * packaging cannot run where Electron's binary cannot be downloaded.
 */
const config: Configuration = {
  // Never change it once released: it names the app to the OS (upgrades, the keychain, the dock).
  appId: 'org.wgdeck.desktop',
  productName: 'WG Deck',
  copyright: 'Copyright © WG Deck contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // The bundles only: package.json and the production dependencies are added by electron-builder;
  // sources, tests, the lab and the benches never ship. ssh2's native crypto and cpu-features are
  // optional speed-ups ssh2 loads in try/catch, built for Node's ABI by `npm install`, not Electron's:
  // they stay out, and nothing is rebuilt (no compiler or Electron headers needed to package; SQLite
  // is node:sqlite, built in).
  files: [
    'out/**/*',
    '!out/**/*.map',
    '!node_modules/ssh2/lib/protocol/crypto/build{,/**/*}',
    '!node_modules/cpu-features{,/**/*}',
  ],
  npmRebuild: false,
  asar: true,
  // 512×512, made from resources/icon.svg; electron-builder derives the .icns and .ico.
  icon: 'resources/icon.png',
  artifactName: '${name}-${version}-${os}-${arch}.${ext}',
  electronFuses: {
    // The engine runs in a utilityProcess, never `ELECTRON_RUN_AS_NODE`: the app binary is no node.
    runAsNode: false,
    // Neither NODE_OPTIONS (nor NODE_EXTRA_CA_CERTS) nor --inspect can inject code into a user's app.
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Only the shipped, integrity-checked app.asar runs (checked on macOS and Windows).
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The page is served on app:// (src/main/app-protocol.ts), so file:// needs no privileges.
    grantFileProtocolExtraPrivileges: false,
    enableCookieEncryption: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network',
    executableName: 'wg-deck',
    synopsis: 'WireGuard fleet monitoring over SSH',
    maintainer: 'WG Deck contributors',
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.utilities',
  },
  win: {
    target: ['nsis'],
  },
};

export default config;
