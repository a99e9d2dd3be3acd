import { Client } from '@elastic/elasticsearch';

/**
 * An Elasticsearch client for the search service. The client's major version must match the server's:
 * locally that is 8.x, the newest distribution Maven Central serves (see scripts/lib/common.sh).
 */
export function createSearchClient(node: string): Client {
  return new Client({ node, requestTimeout: 10_000, maxRetries: 2 });
}
