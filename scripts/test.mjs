// `npm test`: every check, in the order that fails fastest. The lab tests need root and real packages;
// they install what they need (apt) when they can, and under CI=true a lab that cannot run is a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
/** Failed tests, said again at the very end: a CI log is often read from its tail only. */
const failures = [];

function step(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`=== ${name} FAILED after ${seconds} s`);
    return false;
  }
  console.log(`=== ${name} ok (${seconds} s)`);
  return true;
}

function count(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const testFile of report.testResults ?? []) {
      const where = testFile.name.replace(`${root}/`, '');
      const failed = (testFile.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failed)
        failures.push({
          where: `${where} > ${test.fullName ?? test.title}`,
          why: String(test.failureMessages?.[0] ?? '')
            .split('\n')
            .slice(0, 6)
            .join('\n'),
        });
      // A file whose setup (beforeAll) failed has no failed test, only skipped ones, and the report
      // keeps no error for it: count it, and point at the log.
      if (testFile.status === 'failed' && failed.length === 0) {
        totals.failed += 1;
        failures.push({
          where,
          why: testFile.message || 'its setup failed: the error is in the log above',
        });
      }
    }
  } catch {
    totals.failed += 1; // no report: the runner itself failed
  }
}

function vitest(project) {
  const file = join(results, `${project}.json`);
  const ok = step(`${project} tests`, 'npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${file}`,
  ]);
  count(file);
  return ok;
}

let ok = step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
ok = step('typecheck (renderer)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']) && ok;
ok = step('lint', 'npx', ['eslint', '--max-warnings', '0', '.']) && ok;
ok = step('build', 'npx', ['electron-vite', 'build']) && ok;
ok = vitest('unit') && ok;
ok = vitest('lab') && ok;
ok = vitest('e2e') && ok;

for (const { where, why } of failures) console.log(`\nFAILED ${where}\n${why}`);
console.log(`\nAll tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
