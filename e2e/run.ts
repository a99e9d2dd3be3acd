import { writeFileSync } from 'node:fs';
import { journeys } from './journeys';
import { moreJourneys } from './journeys-more';
import { launch, SCREENSHOTS, WEB_URL } from './browser';

// The browser journeys against a running stack with demo data (scripts/demo-data.ts):
//   WEB_URL=http://127.0.0.1:3000 GATEWAY_URL=http://127.0.0.1:8080 node --import tsx e2e/run.ts
// Prints one line per journey and ends with "N passed, N failed"; exits non-zero when any failed.
// A name filter may be given: node --import tsx e2e/run.ts cancel
// With E2E_JUNIT=<file> it also writes a JUnit report, one test case per journey (scripts/test counts them).

async function main() {
  const filter = process.argv[2]?.toLowerCase();
  const selected = [...journeys, ...moreJourneys].filter(
    (j) => !filter || j.name.toLowerCase().includes(filter),
  );
  const cases: Array<{ name: string; ms: number; failure?: string }> = [];
  console.log(`e2e: ${selected.length} journeys against ${WEB_URL}; screenshots in ${SCREENSHOTS}`);
  const browser = await launch();
  let passed = 0;
  let failed = 0;
  try {
    for (const journey of selected) {
      const started = Date.now();
      try {
        await journey.run(browser);
        passed++;
        cases.push({ name: journey.name, ms: Date.now() - started });
        console.log(`✓ ${journey.name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        const failure = (err instanceof Error ? (err.stack ?? err.message) : String(err))
          .split('\n')
          .slice(0, 6)
          .join('\n    ');
        cases.push({ name: journey.name, ms: Date.now() - started, failure });
        console.log(`✗ ${journey.name} (${Date.now() - started} ms)`);
        console.log(`    ${failure}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (process.env.E2E_JUNIT) writeFileSync(process.env.E2E_JUNIT, junit(cases));
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

const xml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

function junit(cases: Array<{ name: string; ms: number; failure?: string }>): string {
  const body = cases
    .map(
      (c) =>
        `  <testcase classname="e2e" name="${xml(c.name)}" time="${c.ms / 1000}">` +
        (c.failure ? `<failure message="journey failed">${xml(c.failure)}</failure>` : '') +
        '</testcase>',
    )
    .join('\n');
  const failures = cases.filter((c) => c.failure).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="e2e" tests="${cases.length}" failures="${failures}">\n${body}\n</testsuite>\n`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
