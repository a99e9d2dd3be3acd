import { createHash } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { mongo } from 'mongoose';
import { z } from 'zod';
import { listingsConfigShape } from '@kvartirnsk/activities/listings/config';
import {
  type ListingDocument,
  listingEvent,
  listingFieldsSchema,
  listingModel,
  type ListingModel,
  type ListingPhoto,
  type ModerationRecord,
  publishedSnapshot,
} from '@kvartirnsk/activities/listings/listing';
import { LocalPhotoStorage, processPhoto } from '@kvartirnsk/api-listings/photos';
import { loadConfig, positiveInt, url } from '@kvartirnsk/lib/config';
import { LISTING_EVENTS, type PublishedListing } from '@kvartirnsk/lib/listing-events';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { moderationWorkflowId } from '@kvartirnsk/workflows/moderation/contract';
import { DEMO_PASSWORD } from './seed/demo-listings';
import { demoPhoto } from './seed/demo-photos';
import { Gateway, type Session } from './seed/gateway-client';
import { generateListings } from './seed/generate-listings';

const USAGE = `node --import tsx scripts/seed-listings.ts [--count 1000] [--seed 1] [--hosts 50] [--as-of YYYY-MM-DD] [--no-wait]

Loads generated listings (scripts/seed/generate-listings.ts) as published listings of the listings service, for
demos (1k) and benchmarks (100k). An operator tool: it writes straight into the listings service's own MongoDB
database (MONGO_URL, LISTINGS_DATABASE) and photo storage (PHOTO_DIR) with that service's model, because a
create, three uploads and a moderation workflow per listing through the API would take hours at 100k. Each
listing is written as the moderation workflow leaves one it approved: the published snapshot, the verdict, and
its listing.published event in the document's outbox, which the running listings service's outbox relay then
sends to the bookings replica and the search indexer (so run it with the services up, or start them later).

Listing ids are UUIDs derived from the generated ids, so a re-run with the same --seed inserts only what is
missing and leaves existing listings (and whatever their hosts changed) alone. The generated hosts become
--hosts real accounts, seed-host-<n>@kvartirnsk.local (password ${DEMO_PASSWORD}), signed up through the
gateway (GATEWAY_URL) so that hosts can sign in, see their listings, answer booking requests and get paid.
Photos are a shared pool of labelled pictures per listing type, stored once.
Unless --no-wait, it waits until the relay has published every pending listing event.`;

/** Inserts per round trip: large enough to amortise it, small enough to keep the progress bar moving. */
const BATCH = 500;
const HOST_SIGN_UPS_AT_ONCE = 4;
const SEEDED_BY = 'Seeded by scripts/seed-listings.ts';
const HOST_NAMES = ['Алексей', 'Марина', 'Дмитрий', 'Елена', 'Сергей', 'Ольга', 'Никита', 'Татьяна'];
const PICTURE_COLOURS: Record<PublishedListing['type'], [string, string]> = {
  flat: ['#89f7fe', '#66a6ff'],
  room: ['#fbc2eb', '#a6c1ee'],
  house: ['#d4fc79', '#96e6a1'],
};

/** A name-based (version 5) UUID in a namespace of our own: the same name always gives the same id. */
function nameBasedUuid(name: string): string {
  const SEED_NAMESPACE = 'kvartirnsk.seed-listings';
  const bytes = createHash('sha1').update(`${SEED_NAMESPACE}:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function parseOptions() {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      count: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      hosts: { type: 'string', default: '50' },
      'as-of': { type: 'string' },
      wait: { type: 'boolean', default: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = z
    .object({
      count: z.coerce.number().int().min(1).max(1_000_000),
      seed: z.coerce.number().int().min(0),
      hosts: z.coerce.number().int().min(1).max(1000),
      asOf: z.iso.date().optional(),
      wait: z.boolean(),
    })
    .safeParse({ ...values, asOf: values['as-of'] });
  if (!options.success) {
    console.error(`${z.prettifyError(options.error)}\n\n${USAGE}`);
    process.exit(2);
  }
  return options.data;
}

/** The seed hosts as real accounts, so every listing has a host who can sign in. */
async function seedHosts(gateway: Gateway, count: number): Promise<Session[]> {
  const hosts = new Array<Session>(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      hosts[index] = await gateway.host({
        email: `seed-host-${index + 1}@kvartirnsk.local`,
        name: `${HOST_NAMES[index % HOST_NAMES.length]} (хозяин ${index + 1})`,
        password: DEMO_PASSWORD,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOST_SIGN_UPS_AT_ONCE, count) }, worker));
  return hosts;
}

type PoolPhoto = Omit<ListingPhoto, 'id'>;
const POOL_PICTURE = { width: 1200, height: 800, perType: 24 };

/** `/demo-photos/<type>/<n>.jpg`, as the generator names its pictures, to `<type>/<n>`. */
function pictureKey(url: string): string {
  const picture = /^\/demo-photos\/(\w+\/\d+)\.jpg$/.exec(url);
  if (!picture) throw new Error(`unexpected generated photo url ${url}`);
  return picture[1]!;
}

/** What a host writes about a listing: the published listing without what the service adds to it. */
const draftSchema = z.object(listingFieldsSchema.shape);

/**
 * The generator names pictures of a pool per listing type (`/demo-photos/<type>/<n>.jpg`); each becomes one
 * stored photo with a thumbnail, made the way the listings service processes an upload and stored once.
 */
async function photoPool(listings: PublishedListing[], photoDir: string): Promise<Map<string, PoolPhoto>> {
  const storage = new LocalPhotoStorage(photoDir);
  const pool = new Map<string, PoolPhoto>();
  for (const listing of listings) {
    for (const photo of listing.photos) {
      const key = pictureKey(photo.url);
      if (pool.has(key)) continue;
      const id = nameBasedUuid(`photo:${key}`);
      const { width, height } = POOL_PICTURE;
      const entry = { file: `${id}.webp`, thumbnailFile: `${id}-thumb.webp`, width, height };
      if (!(await storage.read(entry.file))) {
        const number = Number(key.split('/')[1]);
        const processed = await processPhoto(
          await demoPhoto({
            label: `${listing.type} ${number}`,
            colours: PICTURE_COLOURS[listing.type],
            index: number,
            count: POOL_PICTURE.perType,
            width,
            height,
          }),
        );
        await storage.save(entry.file, processed.full);
        await storage.save(entry.thumbnailFile, processed.thumbnail);
      }
      pool.set(key, entry);
    }
  }
  return pool;
}

/** The listing as its approved moderation leaves it, with the published event waiting in its outbox. */
function seededDocument(
  generated: PublishedListing,
  hostId: string,
  pool: Map<string, PoolPhoto>,
  photoBaseUrl: string,
  now: Date,
): ListingDocument {
  const { listingId, publishedAt } = generated;
  const id = nameBasedUuid(`listing:${listingId}`);
  const draft = draftSchema.parse(generated);
  const photos = generated.photos.map((photo, index) => ({
    id: nameBasedUuid(`listing:${listingId}:photo:${index}`),
    ...pool.get(pictureKey(photo.url))!,
  }));
  // Created as revision 1 and published as revision 2, as the API and the moderation workflow number them.
  const revision = 2;
  const published = publishedSnapshot(
    { _id: id, hostId, draft, photos },
    revision,
    { photoBaseUrl },
    new Date(publishedAt),
  );
  const moderation: ModerationRecord = {
    contentRevision: 1,
    workflowId: moderationWorkflowId(id, 1),
    status: 'approved',
    failures: [],
    escalated: false,
    verdict: { by: 'auto', reason: SEEDED_BY, at: publishedAt },
    updatedAt: publishedAt,
  };
  return {
    _id: id,
    hostId,
    draft,
    photos,
    revision,
    contentRevision: 1,
    published,
    moderation,
    pendingEvents: [listingEvent(LISTING_EVENTS.published, published, now)],
    createdAt: new Date(publishedAt),
    updatedAt: now,
  };
}

async function main() {
  const options = parseOptions();
  const config = loadConfig({
    ...listingsConfigShape,
    GATEWAY_URL: url('http://127.0.0.1:8080'),
    // The listings service's own default, so both find the same directory when started from the repository.
    PHOTO_DIR: z.string().min(1).default(path.resolve('.data/photos')),
    SEED_WAIT_TIMEOUT_SECONDS: positiveInt(1800),
  });
  const started = Date.now();
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

  const hostCount = Math.min(options.hosts, Math.ceil(options.count / 5));
  const hosts = await seedHosts(new Gateway(config.GATEWAY_URL), hostCount);
  console.log(`${hostCount} seed hosts ready (${seconds(started)} s)`);

  const generatedAt = Date.now();
  const generated = generateListings({
    count: options.count,
    seed: options.seed,
    hostCount,
    asOf: options.asOf ?? new Date().toISOString().slice(0, 10),
  });
  const pool = await photoPool(generated, config.PHOTO_DIR);
  console.log(
    `${generated.length} listings generated, ${pool.size} pool photos in ${config.PHOTO_DIR} (${seconds(generatedAt)} s)`,
  );

  const connection = await connectMongo(config.MONGO_URL, config.LISTINGS_DATABASE);
  try {
    const Listing = listingModel(connection);
    await Listing.init();
    const hostOf = (generatedHostId: string) => {
      const index = Number(generatedHostId.slice(generatedHostId.lastIndexOf('-') + 1));
      return hosts[index % hosts.length]!.userId;
    };

    const writeStarted = Date.now();
    const written = progressBar('written');
    written.start(generated.length, 0, { rate: 0 });
    let inserted = 0;
    for (let from = 0; from < generated.length; from += BATCH) {
      const now = new Date();
      const batch = generated
        .slice(from, from + BATCH)
        .map((listing) => seededDocument(listing, hostOf(listing.hostId), pool, config.PHOTO_BASE_URL, now));
      inserted += await insertMissing(Listing, batch);
      const done = from + batch.length;
      written.update(done, { rate: rate(done, writeStarted) });
    }
    written.stop();
    const writeSeconds = (Date.now() - writeStarted) / 1000;

    let relaySeconds: number | null = null;
    if (options.wait && inserted > 0) {
      const relayStarted = Date.now();
      await waitForRelay(Listing, inserted, config.SEED_WAIT_TIMEOUT_SECONDS);
      relaySeconds = (Date.now() - relayStarted) / 1000;
    }
    console.log(
      JSON.stringify({
        count: generated.length,
        seed: options.seed,
        inserted,
        alreadyThere: generated.length - inserted,
        hosts: hostCount,
        writeSeconds: round2(writeSeconds),
        writtenPerSecond: Math.round(generated.length / writeSeconds),
        relaySeconds: relaySeconds === null ? null : round2(relaySeconds),
        totalSeconds: round2((Date.now() - started) / 1000),
      }),
    );
  } finally {
    await connection.close();
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const rate = (done: number, since: number) => Math.round(done / Math.max((Date.now() - since) / 1000, 0.001));

function progressBar(task: string): SingleBar {
  return new SingleBar(
    {
      format: `${task.padEnd(8)} {bar} {value}/{total} listings | {rate}/s | {duration}s`,
      hideCursor: true,
      etaBuffer: 5000,
      // Off a terminal (CI, logs) a plain line every few seconds instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
}

const DUPLICATE_KEY = 11000;

/**
 * Inserts the listings that are not there yet and returns how many that were. A plain unordered insert that
 * skips existing ids: FerretDB runs an upsert about seventy times slower than an insert.
 */
async function insertMissing(Listing: ListingModel, documents: ListingDocument[]): Promise<number> {
  try {
    const result = await Listing.insertMany(documents, { ordered: false, lean: true, rawResult: true });
    return result.insertedCount;
  } catch (err) {
    if (!(err instanceof mongo.MongoBulkWriteError)) throw err;
    const errors: mongo.WriteError[] = [err.writeErrors].flat();
    if (errors.some((error) => error.code !== DUPLICATE_KEY)) throw err;
    return err.insertedCount;
  }
}

/** Until the running listings service's outbox relay has sent every pending listing event. */
async function waitForRelay(Listing: ListingModel, inserted: number, timeoutSeconds: number) {
  const started = Date.now();
  const bar = progressBar('relayed');
  bar.start(inserted, 0, { rate: 0 });
  try {
    for (;;) {
      const pending = await Listing.countDocuments({ 'pendingEvents.0': { $exists: true } });
      const done = Math.max(0, inserted - pending);
      bar.update(done, { rate: rate(done, started) });
      if (pending === 0) return;
      if (Date.now() - started > timeoutSeconds * 1000) {
        throw new Error(
          `${pending} listings still have unsent events after ${timeoutSeconds} s: is the listings service ` +
            '(its outbox relay) running against this database?',
        );
      }
      // Counting scans the collection on FerretDB, which competes with the relay: ask rarely.
      await sleep(5000);
    }
  } finally {
    bar.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
