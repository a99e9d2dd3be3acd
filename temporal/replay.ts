import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** Replays every committed history in a folder against the current workflow code; returns each outcome. */
export async function replayHistoriesIn(
  historiesDir: string,
  workflowBundle: WorkflowBundleWithSourceMap,
): Promise<Array<{ file: string; error?: ReplayResult['error'] }>> {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
  const histories = await Promise.all(
    files.map(async (file) => ({
      workflowId: file,
      history: JSON.parse(await readFile(path.join(historiesDir, file), 'utf8')) as unknown,
    })),
  );
  const outcomes: Array<{ file: string; error?: ReplayResult['error'] }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    outcomes.push({ file: result.workflowId, error: result.error });
  }
  return outcomes;
}
