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

interface RecordedHistory {
  events: Array<{
    markerRecordedEventAttributes?: {
      markerName: string;
      details?: { 'patch-data'?: { payloads: Array<{ data: string }> } };
    };
  }>;
}

export type RecordedMarker = { kind: 'patch'; id: string } | { kind: 'local-activity' };

/** A recorded history's markers in order: each patch its workflow took, and each local activity it ran. */
export async function markersIn(historyFile: string): Promise<RecordedMarker[]> {
  const history = JSON.parse(await readFile(historyFile, 'utf8')) as RecordedHistory;
  return history.events.flatMap(({ markerRecordedEventAttributes: marker }): RecordedMarker[] => {
    if (marker?.markerName === 'core_local_activity') return [{ kind: 'local-activity' }];
    if (marker?.markerName !== 'core_patch') return [];
    return (marker.details?.['patch-data']?.payloads ?? []).map((payload) => ({
      kind: 'patch',
      id: (JSON.parse(Buffer.from(payload.data, 'base64').toString()) as { id: string }).id,
    }));
  });
}
