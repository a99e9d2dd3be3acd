import { MESSAGING_URL } from '$app/env/private';
import { error } from '@sveltejs/kit';
import { io } from 'socket.io-client';
import { ACCESS_COOKIE, refreshSession } from '#lib/server/gateway.ts';
import type { RequestHandler } from './$types';

/** The browser's EventSource reconnects by itself; a bounded stream stays within the access token's life. */
const STREAM_MS = 5 * 60_000;
const HEARTBEAT_MS = 25_000;

// Live messages as server-sent events. The access token lives in an httpOnly cookie and never reaches page
// scripts, so this server connects to the messaging service's socket.io with it on the user's behalf and
// passes on what is pushed to that user: `message` (a new message), `read` (the other side read) and
// `notification` (a new notification, from the notification workers).
export const GET: RequestHandler = async (event) => {
  if (!event.locals.user) error(401, { message: 'Sign in' });
  // The request's hook has just asked who the user is, refreshing an expired access token if it had to.
  let token = event.cookies.get(ACCESS_COOKIE);
  if (!token && (await refreshSession(event))) token = event.cookies.get(ACCESS_COOKIE);
  if (!token) error(401, { message: 'Sign in' });

  const socket = io(MESSAGING_URL, {
    path: '/messaging/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    timeout: 10_000,
  });
  const encoder = new TextEncoder();
  let open = true;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearInterval(heartbeat);
    clearTimeout(deadline);
    socket.disconnect();
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (name: string, payload: unknown) => {
        if (open) controller.enqueue(encoder.encode(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`));
      };
      const close = () => {
        if (!open) return;
        open = false;
        stop();
        controller.close();
      };
      controller.enqueue(encoder.encode('retry: 3000\n\n'));
      socket.on('connect', () => send('live', { connected: true }));
      socket.on('message', (payload: unknown) => send('message', payload));
      socket.on('read', (payload: unknown) => send('read', payload));
      socket.on('notification', (payload: unknown) => send('notification', payload));
      // A refused or lost socket ends the stream; the browser reconnects, and a fresh token is used then.
      socket.on('connect_error', () => {
        send('live', { connected: false });
        close();
      });
      socket.on('disconnect', close);
      heartbeat = setInterval(() => open && controller.enqueue(encoder.encode(': keep-alive\n\n')), HEARTBEAT_MS);
      deadline = setTimeout(close, STREAM_MS);
    },
    cancel() {
      open = false;
      stop();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' },
  });
};
