import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { listingViewSchema } from '@kvartirnsk/api-listings/openapi';
import { loadConfig, logLevel, positiveInt, url } from '@kvartirnsk/lib/config';
import { DEMO_GUEST, DEMO_HOSTS, DEMO_LISTINGS, DEMO_PASSWORD, type DemoListing } from './seed/demo-listings';
import { demoPhoto } from './seed/demo-photos';
import { Gateway, GatewayError, type ListingView, type Session } from './seed/gateway-client';

// Demo accounts and listings through the public API, as a host and an admin would make them: the listings
// service owns every listing (it picks the ids, moderates each revision and announces what it publishes), and
// the bookings service learns of them from its events. Re-running finds each listing by its host and title,
// finishes whatever a previous run left undone and creates nothing twice. Run after `scripts/services start`
// and `api/users/create-admin.ts` (the admin approves first listings of new hosts).

const PHOTOS_PER_LISTING = 3;
const POLL_MS = 250;
/** A moderation that still reports `checking` after this long may not have started (the API said 503). */
const RESUBMIT_AFTER_MS = 15_000;

const config = loadConfig({
  LOG_LEVEL: logLevel,
  GATEWAY_URL: url('http://127.0.0.1:8080'),
  ADMIN_EMAIL: z.string().default('admin@kvartirnsk.local'),
  ADMIN_PASSWORD: z.string().default('kvartirnsk-admin-local'),
  /** How long to wait for a listing's moderation, and then for the bookings service to know it. */
  DEMO_READY_TIMEOUT_SECONDS: positiveInt(120),
});
const gateway = new Gateway(config.GATEWAY_URL);

async function until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + config.DEMO_READY_TIMEOUT_SECONDS * 1000;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline)
      throw new Error(`gave up after ${config.DEMO_READY_TIMEOUT_SECONDS} s waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

function ownView(host: Session, id: string): Promise<ListingView> {
  return gateway.call('GET', `/listings/${id}`, listingViewSchema, { token: host.accessToken });
}

async function uploadPhoto(host: Session, listing: ListingView, demo: DemoListing, index: number) {
  const jpeg = await demoPhoto({
    label: demo.photoLabel,
    colours: demo.photoColours,
    index,
    count: PHOTOS_PER_LISTING,
  });
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), `photo-${index}.jpg`);
  return gateway.call('POST', `/listings/${listing.id}/photos`, listingViewSchema, {
    token: host.accessToken,
    form,
  });
}

/**
 * Drives the listing's latest revision to publication: waits for the automated checks, and approves it as the
 * admin when it waits for review (a host's first listing; later ones of a trusted host publish themselves).
 */
async function publish(host: Session, admin: Session, listing: ListingView, did: string[]) {
  const checkingSince = Date.now();
  let resubmitted = false;
  return until(`moderation of "${listing.title}"`, async () => {
    const current = await ownView(host, listing.id);
    const { status, failures, verdict } = current.moderation;
    if (status === 'approved') {
      if (!did.includes('approved by the admin')) did.push(`published (${verdict?.by ?? 'auto'})`);
      return current;
    }
    if (status === 'awaiting_review' || status === 'escalated') {
      if (failures.length > 0) {
        // Demo data that fails the automated checks is a bug in DEMO_LISTINGS, not something to approve.
        throw new Error(`"${listing.title}" failed moderation checks: ${JSON.stringify(failures)}`);
      }
      try {
        await gateway.call('POST', `/listings/${listing.id}/approve`, listingViewSchema, {
          token: admin.accessToken,
          body: { reason: 'Demo data' },
        });
        did.push('approved by the admin');
      } catch (err) {
        // Another run approved it meanwhile; the next poll sees it published.
        if (!(err instanceof GatewayError && err.status === 409)) throw err;
      }
      return undefined;
    }
    if (status === 'rejected' || status === 'withdrawn') {
      throw new Error(`"${listing.title}" is ${status}; look at it in the moderation queue`);
    }
    if (!resubmitted && Date.now() - checkingSince > RESUBMIT_AFTER_MS) {
      resubmitted = true;
      await gateway.call('POST', `/listings/${listing.id}/submit`, listingViewSchema, {
        token: host.accessToken,
      });
    }
    return undefined;
  });
}

/**
 * Whether the bookings service's replica holds the listing, asked the only way its API allows: a booking
 * request by the listing's own host, which bookings always refuses before starting anything. An unknown
 * listing is refused for `listingId`; a known one for `guestId` (hosts cannot book their own listing).
 */
async function bookable(host: Session, listing: ListingView): Promise<boolean> {
  const checkIn = new Date(Date.now() + 30 * 86_400_000);
  const checkOut = new Date(checkIn.getTime() + listing.minNights * 86_400_000);
  try {
    await gateway.call('POST', '/bookings', z.unknown(), {
      token: host.accessToken,
      body: {
        bookingId: randomUUID(),
        listingId: listing.id,
        checkIn: checkIn.toISOString().slice(0, 10),
        checkOut: checkOut.toISOString().slice(0, 10),
        guests: 1,
      },
    });
  } catch (err) {
    if (err instanceof GatewayError && err.status === 400) return !err.fields().includes('listingId');
    throw err;
  }
  throw new Error(`bookings accepted a booking of "${listing.title}" by its own host`);
}

/** A demo host's session and the listings they had when the run started (titles are unique per host). */
interface DemoHost {
  session: Session;
  listings: ListingView[];
}

async function ensureListing({ session: host, listings }: DemoHost, admin: Session, demo: DemoListing) {
  const did: string[] = [];
  let listing = listings.find((existing) => existing.title === demo.fields.title);
  if (!listing) {
    listing = await gateway.call('POST', '/listings', listingViewSchema, {
      token: host.accessToken,
      body: demo.fields,
    });
    did.push('created');
  }
  // One upload at a time, each after the moderation of the previous revision has written its verdict: FerretDB
  // 1.x (the local MongoDB-wire server) applies a single-document update as read-then-rewrite, so two writers
  // racing on one listing can lose a write (real MongoDB does not). Re-reading also repairs a lost photo.
  const photosBefore = listing.photos.length;
  for (;;) {
    const current = await until(`the checks of "${listing.title}"`, async () => {
      const view = await ownView(host, listing!.id);
      return view.moderation.status === 'checking' ? undefined : view;
    });
    listing = current;
    if (current.photos.length >= PHOTOS_PER_LISTING) break;
    listing = await uploadPhoto(host, current, demo, current.photos.length + 1);
  }
  if (listing.photos.length > photosBefore)
    did.push(`${listing.photos.length - photosBefore} photos uploaded`);
  if (listing.moderation.status !== 'approved') listing = await publish(host, admin, listing, did);
  const published = listing;
  await until(`the bookings service to know "${listing.title}"`, async () =>
    (await bookable(host, published)) ? true : undefined,
  );
  return { listing, did: did.length > 0 ? did : ['already published'] };
}

async function main() {
  const started = Date.now();
  const admin = await gateway.signIn(config.ADMIN_EMAIL, config.ADMIN_PASSWORD).catch((err: unknown) => {
    throw new Error('the admin cannot sign in; run api/users/create-admin.ts first', { cause: err });
  });
  const hosts = new Map<keyof typeof DEMO_HOSTS, DemoHost>();
  for (const [key, account] of Object.entries(DEMO_HOSTS)) {
    const session = await gateway.host(account);
    hosts.set(key as keyof typeof DEMO_HOSTS, { session, listings: await gateway.myListings(session) });
  }
  await gateway.account(DEMO_GUEST);

  // One after another: a host's first listing must be published before the next counts as a trusted host's.
  for (const [key, demo] of Object.entries(DEMO_LISTINGS)) {
    const { listing, did } = await ensureListing(hosts.get(demo.host)!, admin, demo);
    console.log(`${key.padEnd(22)} ${listing.id}  ${listing.title} (${demo.host}): ${did.join(', ')}`);
  }
  console.log(
    `demo accounts (password ${DEMO_PASSWORD}): ${DEMO_GUEST.email} (guest), ${Object.values(DEMO_HOSTS)
      .map((host) => host.email)
      .join(', ')} (hosts); done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
