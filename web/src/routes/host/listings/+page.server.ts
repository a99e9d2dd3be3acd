import type { ListingPage } from '#lib/listings/types.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'host');
  let listings: ListingPage;
  try {
    listings = await api<ListingPage>(event, '/api/listings/mine?limit=100');
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  // How many guests saved each: a figure beside the listing, so the page goes on without it.
  const ids = listings.items.map((listing) => listing.id);
  const saves =
    ids.length === 0
      ? {}
      : await api<{ counts: Record<string, number> }>(event, `/api/listings/saved/counts?ids=${ids.join(',')}`).then(
          (answer) => answer.counts,
          (err: unknown) => {
            if (err instanceof ApiError) return {};
            throw err;
          },
        );
  return { listings, saves };
};
