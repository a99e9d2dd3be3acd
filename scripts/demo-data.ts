import { z } from 'zod';
import { commonConfigShape, loadConfig, url } from '@kvartirnsk/lib/config';
import { connectEventBus, domainEvent, publishEvent } from '@kvartirnsk/lib/events';
import type { ListingSnapshot } from '@kvartirnsk/api-bookings/listing-replica';

// Demo accounts through the public API, and demo listings announced the way the listings service will
// announce them: as listing.published events on the bus. Re-running signs in instead of signing up and
// publishes the same listings again; consumers upsert, so nothing doubles.
const DEMO_LISTINGS: ListingSnapshot[] = [
  {
    listingId: 'demo-moscow-arbat',
    cancellationPolicy: 'flexible',
    hostId: 'demo-host-anna',
    title: 'Студия на Арбате',
    currency: 'RUB',
    nightlyPrice: 650_000,
    weekendPrice: 780_000,
    cleaningFee: 150_000,
    maxGuests: 2,
    minNights: 1,
    maxNights: 30,
    instantBook: true,
    timeZone: 'Europe/Moscow',
    checkOutTime: '12:00',
  },
  {
    listingId: 'demo-spb-nevsky',
    hostId: 'demo-host-igor',
    title: 'Двухкомнатная у Невского проспекта',
    currency: 'RUB',
    nightlyPrice: 520_000,
    weekendPrice: 610_000,
    cleaningFee: 120_000,
    maxGuests: 4,
    minNights: 2,
    maxNights: 28,
    instantBook: true,
    timeZone: 'Europe/Moscow',
    checkOutTime: '11:00',
  },
  {
    listingId: 'demo-kazan-kremlin',
    hostId: 'demo-host-anna',
    title: 'Квартира с видом на Кремль',
    currency: 'RUB',
    nightlyPrice: 390_000,
    weekendPrice: null,
    cleaningFee: 80_000,
    maxGuests: 3,
    minNights: 1,
    maxNights: 14,
    instantBook: true,
    timeZone: 'Europe/Moscow',
    checkOutTime: '12:00',
  },
  {
    listingId: 'demo-sochi-sea',
    cancellationPolicy: 'strict',
    hostId: 'demo-host-oleg',
    title: 'Дом у моря',
    currency: 'RUB',
    nightlyPrice: 900_000,
    weekendPrice: 1_100_000,
    cleaningFee: 250_000,
    maxGuests: 6,
    minNights: 3,
    maxNights: 21,
    instantBook: false,
    timeZone: 'Europe/Moscow',
    checkOutTime: '10:00',
  },
  {
    listingId: 'demo-ekb-centre',
    hostId: 'demo-host-igor',
    title: 'Комната в центре Екатеринбурга',
    currency: 'RUB',
    nightlyPrice: 210_000,
    weekendPrice: null,
    cleaningFee: 0,
    maxGuests: 1,
    minNights: 1,
    maxNights: 60,
    instantBook: true,
    timeZone: 'Asia/Yekaterinburg',
    checkOutTime: '12:00',
  },
];

/** Demo accounts, all with the password below; for local development only. */
export const DEMO_PASSWORD = 'kvartirnsk-demo';
const DEMO_HOSTS = {
  'demo-host-anna': { email: 'anna@kvartirnsk.local', name: 'Анна' },
  'demo-host-igor': { email: 'igor@kvartirnsk.local', name: 'Игорь' },
  'demo-host-oleg': { email: 'oleg@kvartirnsk.local', name: 'Олег' },
} as const;
const DEMO_GUEST = { email: 'guest@kvartirnsk.local', name: 'Мария' };

const signInResponse = z.object({ accessToken: z.string(), user: z.object({ id: z.string() }) });

/** Signs a demo user in, signing them up first on a fresh stack; accounts go through the public API. */
async function demoUser(gateway: string, account: { email: string; name: string }) {
  const call = (path: string, body: object, token?: string) =>
    fetch(`${gateway}/api/users/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const signIn = () => call('sign-in', { email: account.email, password: DEMO_PASSWORD });
  let res = await signIn();
  if (res.status === 401) {
    const signUp = await call('sign-up', { ...account, password: DEMO_PASSWORD });
    if (!signUp.ok)
      throw new Error(`sign-up of ${account.email} failed: ${signUp.status} ${await signUp.text()}`);
    res = await signIn();
  }
  if (!res.ok) throw new Error(`sign-in of ${account.email} failed: ${res.status} ${await res.text()}`);
  const session = signInResponse.parse(await res.json());
  return { ...session, becomeHost: () => call('me/host', {}, session.accessToken) };
}

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
    GATEWAY_URL: url('http://127.0.0.1:8080'),
  });
  const hostIds = new Map<string, string>();
  for (const [demoId, account] of Object.entries(DEMO_HOSTS)) {
    const host = await demoUser(config.GATEWAY_URL, account);
    const becameHost = await host.becomeHost();
    if (!becameHost.ok) throw new Error(`${account.email} could not become a host: ${becameHost.status}`);
    hostIds.set(demoId, host.user.id);
  }
  await demoUser(config.GATEWAY_URL, DEMO_GUEST);

  const bus = await connectEventBus(config.RABBITMQ_URL);
  try {
    for (const listing of DEMO_LISTINGS) {
      const hostId = hostIds.get(listing.hostId) ?? listing.hostId;
      publishEvent(bus.channel, domainEvent('demo-data', 'listing.published', { ...listing, hostId }));
    }
    await bus.channel.waitForConfirms();
    console.log(`published ${DEMO_LISTINGS.length} demo listings`);
    console.log(
      `demo accounts (password ${DEMO_PASSWORD}): ${DEMO_GUEST.email} (guest), ${Object.values(DEMO_HOSTS)
        .map((h) => h.email)
        .join(', ')} (hosts)`,
    );
  } finally {
    await bus.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
