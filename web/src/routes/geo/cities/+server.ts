import { json } from '@sveltejs/kit';
import { api, ApiError } from '#lib/server/gateway.ts';
import type { City } from '#lib/search/types.ts';
import type { RequestHandler } from './$types';

// City autocomplete for the search form, from the geo service.
export const GET: RequestHandler = async (event) => {
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  if (q.length < 2) return json({ items: [] });
  const query = new URLSearchParams({ q, limit: '6' });
  try {
    return json(await api<{ items: City[] }>(event, `/api/geo/cities?${query}`, { anonymous: true }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json({ items: [] }, { status: err.status });
  }
};
