import { type Client, errors } from '@elastic/elasticsearch';
import {
  type ListingDocument,
  type ListingState,
  mergeStates,
  sameState,
  stateOf,
  toDocument,
} from './listing-state';

const MAX_ATTEMPTS = 20;

function isRetryable(err: unknown): boolean {
  if (!(err instanceof errors.ResponseError)) return false;
  // 409: someone wrote the document since we read it. 403 cluster_block_exception: a reindex just made the
  // old index read-only, and reading through the alias again lands on the new one.
  return err.statusCode === 409 || (err.statusCode === 403 && err.message.includes('cluster_block'));
}

/**
 * Folds a partial state into the listing's document behind `alias`: read, merge, write back only if the
 * read is still current (optimistic concurrency on seq_no), else read again. This server has no scripting
 * (painless), so the merge runs here rather than in an update script. The write goes to the concrete index
 * the document was read from, never blindly through the alias, so a concurrent alias swap cannot make a
 * stale read overwrite a document in the new index. Resolves once Elasticsearch has confirmed the write.
 */
export async function mergeIntoIndex(
  client: Client,
  alias: string,
  patch: ListingState,
): Promise<'written' | 'unchanged'> {
  for (let attempt = 1; ; attempt++) {
    try {
      const current = await client.get<ListingDocument>(
        { index: alias, id: patch.listingId },
        { ignore: [404] },
      );
      if (current.found && current._source) {
        const merged = mergeStates(stateOf(current._source), patch);
        if (sameState(merged, stateOf(current._source))) return 'unchanged';
        await client.index({
          index: current._index,
          id: patch.listingId,
          document: toDocument(merged, new Date()),
          if_seq_no: current._seq_no,
          if_primary_term: current._primary_term,
        });
      } else {
        await client.index({
          index: alias,
          id: patch.listingId,
          document: toDocument(patch, new Date()),
          op_type: 'create',
          // Never let a missing alias auto-create an index with a guessed mapping.
          require_alias: true,
        });
      }
      return 'written';
    } catch (err) {
      if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
