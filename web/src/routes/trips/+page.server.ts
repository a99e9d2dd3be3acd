import type { BookingPage } from '#lib/bookings/types.ts';
import { listingTitle } from '#lib/listings/title.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireUser } from '#lib/server/guard.ts';
import { publishedListingsOf } from '#lib/server/lookups.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  let trips: BookingPage;
  try {
    trips = await api<BookingPage>(event, '/api/bookings?as=guest&limit=50');
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  const listings = await publishedListingsOf(event, trips.items.map((trip) => trip.listingId));
  const places = Object.fromEntries(
    [...listings].map(([id, listing]) => [id, { title: listingTitle(listing, event.locals.locale), city: listing.city }]),
  );
  return { trips, places };
};
