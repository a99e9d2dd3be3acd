import { error } from '@sveltejs/kit';
import { isTerminal, type BookingState } from '#lib/bookings/types.ts';
import { api } from '#lib/server/gateway.ts';
import type { RequestHandler } from './$types';

const POLL_MS = 1500;
/** The browser's EventSource reconnects by itself; a bounded stream keeps the access token in its lifetime. */
const STREAM_MS = 4 * 60_000;

// Server-sent events with the booking's state whenever it changes. The workflow is the source of truth and
// is asked through the gateway; the browser holds no token and opens one plain HTTP stream.
export const GET: RequestHandler = async (event) => {
  if (!event.locals.user) error(401, { message: 'Sign in' });
  const path = `/api/bookings/${encodeURIComponent(event.params.id)}`;
  // The first read happens before the response starts, so an expired access token can still be refreshed.
  const first = await api<BookingState>(event, path);
  const encoder = new TextEncoder();
  let stopped = false;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (state: BookingState) =>
        controller.enqueue(encoder.encode(`retry: 2000\nevent: booking\ndata: ${JSON.stringify(state)}\n\n`));
      let last = JSON.stringify(first);
      send(first);
      const until = Date.now() + STREAM_MS;
      while (!stopped && Date.now() < until && !isTerminal(JSON.parse(last).status)) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (stopped) break;
        try {
          const state = await api<BookingState>(event, path);
          const next = JSON.stringify(state);
          if (next !== last) {
            last = next;
            send(state);
          }
        } catch {
          break;
        }
      }
      if (!stopped) controller.close();
    },
    cancel() {
      stopped = true;
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' },
  });
};
