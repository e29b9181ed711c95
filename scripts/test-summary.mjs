// Prints vitest's JSON report as one plain closing line ("tests: N passed, N failed, N skipped"),
// so CI logs say how many tests ran whatever the reporter; exits non-zero if any failed or none ran.
import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? '.vitest-report.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
process.exit(r.numFailedTests > 0 || r.numPassedTests === 0 || !r.success ? 1 : 0);
