// Reads Jest JSON result files and JUnit XML reports (schemathesis: one test case per API operation) and
// prints the plain closing line CI reads: "N passed, N failed". A suite that failed to run (syntax error,
// failing beforeAll) or a report that is missing or empty counts as a failure, so it cannot hide.
import { readFileSync } from 'node:fs';

/** Passed and failed test cases of a JUnit XML report; a case with a <failure> or <error> failed. */
function junitCounts(xml) {
  let passed = 0;
  let failed = 0;
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[2] ?? '';
    if (/<(failure|error)\b/.test(body)) failed += 1;
    else if (!/<skipped\b/.test(body)) passed += 1;
  }
  return { passed, failed, total: passed + failed };
}

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`test-summary: cannot read ${file}: ${err.message}`);
    failed += 1;
    continue;
  }
  if (file.endsWith('.xml')) {
    const counts = junitCounts(text);
    passed += counts.passed;
    failed += counts.failed;
    if (counts.total === 0) {
      console.error(`test-summary: ${file} ran no tests`);
      failed += 1;
    }
    continue;
  }
  let results;
  try {
    results = JSON.parse(text);
  } catch (err) {
    console.error(`test-summary: cannot read ${file}: ${err.message}`);
    failed += 1;
    continue;
  }
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  if (results.numTotalTests === 0) {
    console.error(`test-summary: ${file} ran no tests`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
