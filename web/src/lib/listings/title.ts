import type { Locale } from '../locale.ts';

/** A listing's title in the reader's language: the English one for English readers when the host gave one. */
export function listingTitle(listing: { title: string; titleEn: string | null }, locale: Locale): string {
  return locale === 'en' && listing.titleEn ? listing.titleEn : listing.title;
}
