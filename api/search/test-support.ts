import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { type DomainEvent, domainEvent } from '@kvartirnsk/lib/events';
import {
  type PublishedListing,
  type PublishedListingInput,
  publishedListingSchema,
} from '@kvartirnsk/lib/listing-events';

/** An alias of this test file's own, so files running at once never share an index. */
export const testAlias = (name: string) => `test-search-${name}-${randomUUID().slice(0, 8)}`;

/** Deletes every index behind the alias (and the alias with them). */
export async function dropAlias(client: Client, alias: string): Promise<void> {
  if (!(await client.indices.existsAlias({ name: alias }))) return;
  const indices = Object.keys(await client.indices.getAlias({ name: alias }));
  await client.indices.delete({ index: indices, ignore_unavailable: true });
}

/** A calendar date `days` after today (UTC), so availability tests never fall into the past. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function publishedListing(
  overrides: Partial<PublishedListingInput> & Pick<PublishedListingInput, 'listingId'>,
): PublishedListing {
  return publishedListingSchema.parse({
    hostId: 'host-1',
    revision: 1,
    type: 'flat',
    title: 'Квартира',
    city: 'Москва',
    location: { lat: 55.75, lon: 37.62 },
    maxGuests: 2,
    currency: 'RUB',
    nightlyPrice: 500_000,
    photos: [
      {
        id: 'p1',
        url: `https://img.example/${overrides.listingId}.jpg`,
        thumbnailUrl: `https://img.example/${overrides.listingId}-t.jpg`,
      },
    ],
    publishedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  });
}

/** A domain event as a producer would publish it, at a given time so tests can order events. */
export function eventAt(type: string, data: object, occurredAt: string): DomainEvent {
  return domainEvent('search-tests', type, { ...data }, 1, new Date(occurredAt));
}
