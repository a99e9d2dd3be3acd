import { journeys } from './journeys';
import { launch, SCREENSHOTS, WEB_URL } from './browser';

// The browser journeys against a running stack:   WEB_URL=http://127.0.0.1:3000 node --import tsx e2e/run.ts
// Prints one line per journey and ends with "N passed, N failed"; exits non-zero when any failed.
// A name filter may be given: node --import tsx e2e/run.ts cancel

async function main() {
  const filter = process.argv[2]?.toLowerCase();
  const selected = journeys.filter((j) => !filter || j.name.toLowerCase().includes(filter));
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
        console.log(`✓ ${journey.name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        console.log(`✗ ${journey.name} (${Date.now() - started} ms)`);
        console.log(
          `    ${(err instanceof Error ? (err.stack ?? err.message) : String(err)).split('\n').slice(0, 6).join('\n    ')}`,
        );
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
