import type { CheckFailure } from '@kvartirnsk/workflows/moderation/contract';
import type { ListingFields, PriceRange } from './listing';

export interface ModerationRules {
  minPhotos: number;
  /** Sane nightly (and weekend) price in kopecks; outside it a human looks at the listing. */
  nightlyPriceRange: PriceRange;
  minDescriptionLength: number;
  /** Lower-case words that may not appear in a listing's text (ё written as е). */
  bannedWords: readonly string[];
}

/** Where the listing's coordinates are relative to the city it names. */
export type CityMatch = 'inside' | 'outside' | 'unknown_city';

/** The listing's coordinates against its city; production asks the geo service (city-lookup.ts). */
export type CityContains = (city: string, point: { lat: number; lon: number }) => Promise<CityMatch>;

export type CheckedListing = Pick<
  ListingFields,
  | 'title'
  | 'titleEn'
  | 'description'
  | 'descriptionEn'
  | 'houseRules'
  | 'address'
  | 'city'
  | 'beds'
  | 'nightlyPrice'
  | 'weekendPrice'
> & { photoCount: number };

const TEXT_FIELDS = ['title', 'titleEn', 'description', 'descriptionEn', 'houseRules', 'address'] as const;

// Contact details route guests around the platform (and its payment protection), so they may not be shown.
const CONTACT_PATTERNS: Array<{ what: string; pattern: RegExp }> = [
  { what: 'an e-mail address', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u },
  {
    what: 'a link',
    pattern:
      /\b(https?:\/\/|www\.)\S+|\b[\p{L}\p{N}-]+\.(ru|com|net|org|рф|su|io|me|info|biz|online|site|store)\b/iu,
  },
  // Seven or more digits, however grouped with spaces, dots, dashes, brackets or a leading plus.
  { what: 'a phone number', pattern: /(\+?\d[\s().-]*){7,}/ },
  {
    what: 'a messenger handle',
    pattern:
      /(^|[\s(])@[A-Za-z0-9_]{3,}|\b(t\.me|wa\.me|vk\.com|telegram|whatsapp|viber|телеграм\p{L}*|вотсап\p{L}*|ватсап\p{L}*|вайбер\p{L}*)\b/iu,
  },
];

const normalise = (text: string) => text.toLowerCase().replaceAll('ё', 'е');

function bannedWordsIn(text: string, banned: ReadonlySet<string>): string[] {
  const words = normalise(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((word) => banned.has(word)))];
}

/**
 * The automated moderation of one listing revision: every failed check, each naming the field and what is
 * wrong. Pure, so the rules are unit-tested without a workflow; the city lookup happens before.
 */
export function automatedChecks(
  listing: CheckedListing,
  rules: ModerationRules,
  cityMatch: CityMatch,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (check: CheckFailure['check'], field: string, message: string) =>
    failures.push({ check, field, message });

  if (listing.title.trim().length === 0) fail('required_fields', 'title', 'The title is empty');
  if (listing.description.trim().length < rules.minDescriptionLength) {
    fail(
      'required_fields',
      'description',
      `The description needs at least ${rules.minDescriptionLength} characters`,
    );
  }
  if (listing.address.trim().length === 0) fail('required_fields', 'address', 'The address is empty');
  if (listing.beds < 1) fail('required_fields', 'beds', 'A listing needs at least one bed');

  const { min, max } = rules.nightlyPriceRange;
  for (const field of ['nightlyPrice', 'weekendPrice'] as const) {
    const price = listing[field];
    if (price !== null && (price < min || price > max)) {
      fail('price_sanity', field, `The price per night must be between ${min} and ${max} kopecks`);
    }
  }

  if (cityMatch === 'outside')
    fail('location_in_city', 'location', `The coordinates are not in ${listing.city}`);
  if (cityMatch === 'unknown_city') fail('location_in_city', 'city', `${listing.city} is not a known city`);

  const banned = new Set(rules.bannedWords.map(normalise));
  for (const field of TEXT_FIELDS) {
    const text = listing[field];
    if (!text) continue;
    const words = bannedWordsIn(text, banned);
    if (words.length > 0) fail('banned_words', field, `Contains words not allowed: ${words.join(', ')}`);
    const contacts = CONTACT_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ what }) => what);
    if (contacts.length > 0) {
      fail('contact_details', field, `Contains ${contacts.join(', ')}; guests contact hosts in the chat`);
    }
  }

  if (listing.photoCount < rules.minPhotos) {
    fail(
      'photos',
      'photos',
      `At least ${rules.minPhotos} photos are needed, there are ${listing.photoCount}`,
    );
  }
  return failures;
}
