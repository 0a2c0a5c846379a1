// A second (and third) process writing the same data dir, for shared-data-dir.test.ts:
// node store-writer.testkit.ts DATA_DIR PREFIX COUNT START_AT — from START_AT (epoch ms, so that every
// writer starts at once), adds COUNT servers named PREFIX-i, one by one.
import { ServerStore } from './server-store.ts';

const [dataDir, prefix, count, startAt] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const store = new ServerStore(dataDir!);
for (let i = 0; i < Number(count); i++) {
  await store.save({ name: `${prefix}-${i}`, host: '198.18.0.10', port: 22, user: 'root', sudo: false });
}
