/**
 * Real resources for the API fuzz (scripts/api-fuzz), so that operations on one listing, booking, conversation
 * or notification are fuzzed past their 404: a published demo listing and its photo, a request to book it, a
 * question to its host, and a notification of the fuzz user's. Writes a schemathesis config whose dictionaries
 * hold their ids, each offered for the matching path parameter half of the time (the other half stays random).
 *   GATEWAY_URL=… FUZZ_TOKEN=… node --import tsx scripts/api-fuzz-fixtures.ts > schemathesis.toml
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
const token = process.env.FUZZ_TOKEN;
if (!token) throw new Error('FUZZ_TOKEN: the fuzz user access token is required');

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(gateway + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Published {
  listingId: string;
  instantBook: boolean;
  minNights: number;
  photos: Array<{ id: string; url: string }>;
}

/** The ids of the resources, by dictionary name. */
async function createFixtures(): Promise<Record<string, string[]>> {
  const { items } = await call<{ items: Published[] }>('GET', '/api/listings/published?limit=100');
  // A request-to-book listing, so its booking waits for the host and approve, decline and cancel have work.
  const listing = items.find((item) => !item.instantBook && item.photos.length > 0);
  if (!listing)
    throw new Error('no published request-to-book listing with photos: run scripts/demo-data.ts first');
  const photo = listing.photos[0]!;

  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  // Far ahead and spread out, so reruns against the same database rarely ask for taken dates.
  const offset = 400 + Math.floor(Math.random() * 2000);
  const booking = await call<{ bookingId: string }>('POST', '/api/bookings', {
    bookingId: randomUUID(),
    listingId: listing.listingId,
    checkIn: day(offset),
    checkOut: day(offset + listing.minNights),
    guests: 1,
  });
  const sent = await call<{ conversation: { id: string } }>('POST', '/api/messaging/conversations', {
    listingId: listing.listingId,
    text: 'Здравствуйте! Есть ли парковка?',
  });
  // The booking request notifies the guest too; the notification worker writes it in its own time.
  let notificationIds: string[] = [];
  for (let attempt = 0; attempt < 20 && notificationIds.length === 0; attempt++) {
    if (attempt > 0) await sleep(500);
    const { items: notifications } = await call<{ items: Array<{ id: string }> }>(
      'GET',
      '/api/messaging/notifications',
    );
    notificationIds = notifications.map((notification) => notification.id);
  }

  return {
    listings: [listing.listingId],
    photos: [photo.id],
    photoFiles: [photo.url.split('/').at(-1)!],
    bookings: [booking.bookingId],
    conversations: [sent.conversation.id],
    notifications: notificationIds,
  };
}

const bindings: Array<[pathRegex: string, parameter: string, dictionary: string]> = [
  ['^/api/listings/\\{id\\}', 'path.id', 'listings'],
  ['^/api/listings/\\{id\\}/photos/\\{photoId\\}$', 'path.photoId', 'photos'],
  ['^/api/listings/photos/\\{file\\}$', 'path.file', 'photoFiles'],
  ['^/api/reviews/listings/\\{listingId\\}$', 'path.listingId', 'listings'],
  ['^/api/bookings/\\{id\\}', 'path.id', 'bookings'],
  ['^/api/reviews/bookings/\\{bookingId\\}$', 'path.bookingId', 'bookings'],
  ['^/api/messaging/conversations/\\{id\\}', 'path.id', 'conversations'],
  ['^/api/messaging/notifications/\\{id\\}', 'path.id', 'notifications'],
];

const toml = (value: string) => JSON.stringify(value);

async function main() {
  const dictionaries = await createFixtures();
  const lines = ['# Written by scripts/api-fuzz-fixtures.ts for this run.'];
  for (const [name, values] of Object.entries(dictionaries)) {
    if (values.length === 0) continue;
    lines.push('', `[dictionaries.${name}]`, `values = [${values.map(toml).join(', ')}]`);
  }
  for (const [pathRegex, parameter, dictionary] of bindings) {
    if (!dictionaries[dictionary]?.length) continue;
    lines.push(
      '',
      '[[operations]]',
      `include-path-regex = ${toml(pathRegex)}`,
      `parameters = { ${toml(parameter)} = { dictionary = ${toml(dictionary)}, probability = 0.5 } }`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
