import { commonConfigShape, loadConfig, url } from '@kvartirnsk/lib/config';
import { connectEventBus, domainEvent, publishEvent } from '@kvartirnsk/lib/events';
import type { ListingSnapshot } from '@kvartirnsk/api-bookings/listing-replica';

// Demo listings, announced the way the listings service will announce them: as listing.published events on
// the bus. Re-running publishes the same listings again; consumers upsert, so nothing doubles.
const DEMO_LISTINGS: ListingSnapshot[] = [
  {
    listingId: 'demo-moscow-arbat',
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
    hostId: 'demo-host-oleg',
    title: 'Дом у моря',
    currency: 'RUB',
    nightlyPrice: 900_000,
    weekendPrice: 1_100_000,
    cleaningFee: 250_000,
    maxGuests: 6,
    minNights: 3,
    maxNights: 21,
    instantBook: true,
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

async function main() {
  const config = loadConfig({ ...commonConfigShape, RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672') });
  const bus = await connectEventBus(config.RABBITMQ_URL);
  try {
    for (const listing of DEMO_LISTINGS) {
      publishEvent(bus.channel, domainEvent('demo-data', 'listing.published', { ...listing }));
    }
    await bus.channel.waitForConfirms();
    console.log(`published ${DEMO_LISTINGS.length} demo listings`);
  } finally {
    await bus.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
