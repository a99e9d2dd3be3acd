import { randomUUID } from 'node:crypto';
import { createSearchClient } from './elasticsearch';

// The local stack's Elasticsearch: what the search service will rely on, checked on the real server.
const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const index = `test-listings-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  await client.indices.delete({ index, ignore_unavailable: true });
  await client.close();
});

it('finds listings by text and by distance from a point', async () => {
  await client.indices.create({
    index,
    mappings: {
      properties: {
        title: { type: 'text' },
        location: { type: 'geo_point' },
        nightlyPrice: { type: 'long' },
      },
    },
  });
  await client.bulk({
    refresh: true,
    operations: [
      { index: { _index: index, _id: 'arbat' } },
      { title: 'Студия на Арбате', location: { lat: 55.7494, lon: 37.5912 }, nightlyPrice: 650_000 },
      { index: { _index: index, _id: 'nevsky' } },
      {
        title: 'Квартира у Невского проспекта',
        location: { lat: 59.9343, lon: 30.3351 },
        nightlyPrice: 520_000,
      },
    ],
  });

  const nearMoscow = await client.search({
    index,
    query: {
      bool: {
        must: { match: { title: 'студия' } },
        filter: { geo_distance: { distance: '50km', location: { lat: 55.7558, lon: 37.6173 } } },
      },
    },
  });
  const underSixThousand = await client.search({
    index,
    query: { range: { nightlyPrice: { lte: 600_000 } } },
  });

  expect(nearMoscow.hits.hits.map((hit) => hit._id)).toEqual(['arbat']);
  expect(underSixThousand.hits.hits.map((hit) => hit._id)).toEqual(['nevsky']);
});
