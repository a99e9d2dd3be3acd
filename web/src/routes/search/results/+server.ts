import { json } from '@sveltejs/kit';
import { describeProblem } from '#lib/problem.ts';
import { ApiError } from '#lib/server/gateway.ts';
import { searchListings } from '#lib/server/search.ts';
import type { RequestHandler } from './$types';

// The map's re-search as it moves: the page asks here, and this asks the gateway.
export const GET: RequestHandler = async (event) => {
  try {
    return json(await searchListings(event, event.url.searchParams, event.locals.user !== null));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json(describeProblem(err.problem, event.locals.locale), { status: err.status });
  }
};
