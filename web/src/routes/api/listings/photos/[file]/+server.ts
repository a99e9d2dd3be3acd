import { error } from '@sveltejs/kit';
import { apiRaw, ApiError } from '#lib/server/gateway.ts';
import type { RequestHandler } from './$types';

// Listing photos are served by the listings service under the gateway's /api/listings/photos; the API hands
// out those paths, so the web app answers them on its own origin by passing the bytes through.
export const GET: RequestHandler = async (event) => {
  try {
    const res = await apiRaw(event, `/api/listings/photos/${encodeURIComponent(event.params.file)}`);
    return new Response(res.body, {
      headers: {
        'content-type': res.headers.get('content-type') ?? 'image/webp',
        'cache-control': res.headers.get('cache-control') ?? 'public, max-age=3600',
      },
    });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    error(err.status === 404 ? 404 : 502, { message: 'photo unavailable' });
  }
};
