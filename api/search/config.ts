import { z } from 'zod';
import { url } from '@kvartirnsk/lib/config';

/** Settings the search processes share (server, indexer, reindex). */
export const searchConfigShape = {
  ELASTICSEARCH_URL: url('http://127.0.0.1:9200'),
  /** The alias queries read and the indexer writes; a reindex swaps the index behind it. */
  SEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lowercase Elasticsearch index name')
    .default('listings'),
};
