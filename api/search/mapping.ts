import type { Client, estypes } from '@elastic/elasticsearch';

/**
 * The index behind the `listings` alias. Elasticsearch's built-in `russian` and `english` analysers live in
 * its analysis-common module, which the local 8.19 distribution (Maven Central's integ-test zip) does not
 * ship, and neither does it ship stemmers or char filters. Where they exist (the official image in
 * docker-compose) the fields use them; elsewhere they fall back to what the server core has: the standard
 * tokenizer, lowercase and the language's stop words. Without stemming, word forms (квартира / квартиры /
 * квартире) are matched by the query's fuzziness instead, which also forgives typos.
 */
export interface TextAnalyzers {
  russian: string;
  english: string;
}

const FALLBACK_ANALYSIS: estypes.IndicesIndexSettingsAnalysis = {
  filter: {
    kv_russian_stop: { type: 'stop', stopwords: '_russian_' },
    kv_english_stop: { type: 'stop', stopwords: '_english_' },
  },
  analyzer: {
    kv_russian: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'kv_russian_stop'] },
    kv_english: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'kv_english_stop'] },
  },
};

/** The built-in language analysers if this server has them, else our fallback ones. */
export async function availableAnalyzers(client: Client): Promise<TextAnalyzers> {
  try {
    await client.indices.analyze({ analyzer: 'russian', text: 'квартиры' });
    return { russian: 'russian', english: 'english' };
  } catch {
    return { russian: 'kv_russian', english: 'kv_english' };
  }
}

export function listingsMappings(analyzers: TextAnalyzers): estypes.MappingTypeMapping {
  const russianText = { type: 'text', analyzer: analyzers.russian } as const;
  const englishText = { type: 'text', analyzer: analyzers.english } as const;
  // Fuzzy matching costs per field searched, so every text also lands in one field per language.
  const intoRussian = { ...russianText, copy_to: 'searchRu' } as const;
  const intoEnglish = { ...englishText, copy_to: 'searchEn' } as const;
  return {
    dynamic: 'strict',
    properties: {
      listingId: { type: 'keyword' },
      // Only the fields search filters, sorts or matches on are indexed; the rest stays in _source for cards.
      listing: {
        type: 'object',
        dynamic: false,
        properties: {
          listingId: { type: 'keyword' },
          hostId: { type: 'keyword' },
          revision: { type: 'long' },
          type: { type: 'keyword' },
          title: intoRussian,
          titleEn: intoEnglish,
          description: intoRussian,
          descriptionEn: intoEnglish,
          city: { type: 'keyword', copy_to: 'searchRu' },
          location: { type: 'geo_point' },
          maxGuests: { type: 'integer' },
          bedrooms: { type: 'integer' },
          amenities: { type: 'keyword' },
          currency: { type: 'keyword' },
          nightlyPrice: { type: 'long' },
          instantBook: { type: 'boolean' },
        },
      },
      searchRu: russianText,
      searchEn: englishText,
      listingObservedAt: { type: 'date' },
      unpublishedAt: { type: 'date' },
      rating: {
        properties: {
          average: { type: 'float' },
          count: { type: 'integer' },
          at: { type: 'date' },
        },
      },
      stays: { type: 'object', enabled: false },
      visible: { type: 'boolean' },
      unavailable: { type: 'date_range', format: 'strict_date' },
      indexedAt: { type: 'date' },
    },
  };
}

export async function listingsIndexBody(client: Client): Promise<{
  settings: estypes.IndicesIndexSettings;
  mappings: estypes.MappingTypeMapping;
}> {
  const analyzers = await availableAnalyzers(client);
  return {
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      ...(analyzers.russian === 'kv_russian' ? { analysis: FALLBACK_ANALYSIS } : {}),
    },
    mappings: listingsMappings(analyzers),
  };
}

/** A fresh versioned name behind the alias, e.g. `listings-v1-20261125t171924123z`. */
export function versionedIndexName(alias: string, now = new Date()): string {
  return `${alias}-v1-${now.toISOString().replace(/[-:.]/g, '').toLowerCase()}`;
}

/** The concrete index the alias points at, or undefined if there is no alias yet. */
export async function indexBehind(client: Client, alias: string): Promise<string | undefined> {
  if (!(await client.indices.existsAlias({ name: alias }))) return undefined;
  const aliases = await client.indices.getAlias({ name: alias });
  return Object.keys(aliases)[0];
}

/**
 * Makes sure the alias exists, creating an empty index behind it if not, so the indexer never writes into
 * an index Elasticsearch would auto-create with a guessed mapping. The first index has a fixed name, so
 * processes starting together create it once (the loser's create fails and it uses the winner's).
 */
export async function ensureListingsIndex(client: Client, alias: string): Promise<string> {
  const existing = await indexBehind(client, alias);
  if (existing) return existing;
  const index = `${alias}-v1-initial`;
  try {
    await client.indices.create({ index, ...(await listingsIndexBody(client)), aliases: { [alias]: {} } });
    return index;
  } catch (err) {
    const winner = await indexBehind(client, alias);
    if (!winner) throw err;
    return winner;
  }
}
