// One closing block for all runs: what failed (file, test, first lines of the error) and then
// "N passed, N failed" (vitest's own summary is per run, and CI shows only the end of the output).
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const run = basename(file, '.json');
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // Skipped and todo tests are counted so the closing line never hides them.
  skipped += report.numPendingTests + report.numTodoTests;
  for (const result of report.testResults) {
    const where = relative(process.cwd(), result.name).replace(/^.*?(test\/)/, '$1');
    if (result.status === 'failed' && result.assertionResults.length === 0) {
      failed += 1;
      failures.push({ run, where, test: '(the file did not load)', message: result.message ?? '' });
    }
    for (const assertion of result.assertionResults) {
      if (assertion.status !== 'failed') continue;
      failures.push({ run, where, test: assertion.fullName, message: assertion.failureMessages?.[0] ?? '' });
    }
  }
}
for (const { run, where, test, message } of failures) {
  console.log(`FAILED [${run}] ${where} > ${test}`);
  const lines = message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((line) => line.trim() !== '');
  for (const line of lines.slice(0, 12)) console.log(`    ${line}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
