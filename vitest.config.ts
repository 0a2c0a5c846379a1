import { defineConfig } from 'vitest/config';

/**
 * Every result and event the engine serves is parsed against the contract's declared schema in every
 * test run (and in the processes tests spawn): a shape that drifts from its declaration fails a test.
 */
const CONTRACT_CHECKED = { WGDECK_CHECK_CONTRACT: '1' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          env: CONTRACT_CHECKED,
          globalSetup: ['test/support/ensure-tools.ts'],
          // A hang guard, not a speed bar (those are in `npm run bench`): tests that run wg/wg-quick
          // many times take over vitest's 5 s default on a loaded 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        // Real servers: wireguard-go + OpenSSH in network namespaces. One file at a time: they share
        // the machine's two cores and each brings up its own lab.
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          environment: 'node',
          env: CONTRACT_CHECKED,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The UI in Debian Chromium (playwright-core), against browser mode and the lab.
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          env: CONTRACT_CHECKED,
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
