import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig, url } from '@kvartirnsk/lib/config';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { searchConfigShape } from './config';
import { indexBehind } from './mapping';
import { exportedListings, rebuildListingsIndex } from './rebuild-index';

// `node --import tsx api/search/reindex.ts [--if-empty]`: rebuilds the listings index from the listings
// service's export and swaps the alias. With --if-empty it does nothing when the index already holds a
// published listing, which is what a stack start wants (the indexer keeps a populated index current).
async function main() {
  const { values } = parseArgs({ options: { 'if-empty': { type: 'boolean', default: false } } });
  const config = loadConfig({ ...searchConfigShape, LISTINGS_SERVICE_URL: url('http://127.0.0.1:4004') });
  const client = createSearchClient(config.ELASTICSEARCH_URL);
  try {
    const current = await indexBehind(client, config.SEARCH_INDEX);
    const existing = current
      ? (await client.count({ index: current, query: { term: { visible: true } } })).count
      : 0;
    if (values['if-empty'] && existing > 0) {
      console.log(`${config.SEARCH_INDEX} (${current}) already holds ${existing} listings; nothing to do`);
      return;
    }
    const bar = new SingleBar(
      { format: 'reindex {bar} {value}/{total} listings | {speed}/s | {duration}s', etaBuffer: 5000 },
      Presets.shades_classic,
    );
    const startedAt = Date.now();
    bar.start(Math.max(existing, 1), 0, { speed: 0 });
    const report = await rebuildListingsIndex({
      client,
      alias: config.SEARCH_INDEX,
      source: exportedListings(config.LISTINGS_SERVICE_URL),
      onProgress: (indexed) => {
        // The export does not say how many there are; the old index's count is the first estimate.
        if (indexed > bar.getTotal()) bar.setTotal(indexed);
        bar.update(indexed, { speed: Math.round(indexed / ((Date.now() - startedAt) / 1000)) });
      },
    });
    bar.setTotal(Math.max(report.indexed, 1));
    bar.update(report.indexed);
    bar.stop();
    console.log(JSON.stringify(report));
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
