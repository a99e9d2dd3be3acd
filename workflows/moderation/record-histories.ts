/* eslint-disable no-restricted-imports -- a recording script run with tsx, not workflow code */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { type ModerationScenario, moderationScenarios, startModerationTestbed } from './moderation-scenarios';

const HISTORIES_DIR = path.resolve(__dirname, 'histories');

/**
 * Records the moderation flow's histories for replay.test.ts (needs the local stack's FerretDB):
 * `node --import tsx workflows/moderation/record-histories.ts [--as <tag>] [scenario...]`. Run it when a
 * deliberate workflow change makes new histories worth keeping; once moderations run in production keep the
 * old files too (and guard the change with patched()), so running workflows stay replayable: `--as <tag>`
 * files the new recordings as `<scenario>.<tag>.json` beside the older ones.
 */
async function main() {
  const args = process.argv.slice(2);
  const tagAt = args.indexOf('--as');
  const suffix = tagAt >= 0 ? `.${args.splice(tagAt, 2)[1]}` : '';
  const only = new Set(args);
  const tb = await startModerationTestbed();
  try {
    await mkdir(HISTORIES_DIR, { recursive: true });
    const names = (Object.keys(moderationScenarios) as ModerationScenario[]).filter(
      (name) => only.size === 0 || only.has(name),
    );
    for (const name of names) {
      const { handles } = await tb.withWorker(() => moderationScenarios[name](tb));
      for (const [index, handle] of handles.entries()) {
        const history = await handle.fetchHistory();
        const file = path.join(
          HISTORIES_DIR,
          handles.length === 1 ? `${name}${suffix}.json` : `${name}-${index + 1}${suffix}.json`,
        );
        // The same proto-JSON as `temporal workflow show --output json` and the Web UI's download.
        await writeFile(file, JSON.stringify(JSON.parse(historyToJSON(history)), null, 2) + '\n');
        console.log(`recorded ${path.relative(process.cwd(), file)}`);
      }
    }
  } finally {
    await tb.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
