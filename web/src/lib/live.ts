// One live stream per browser tab (GET /messages/events, relayed from the messaging service's socket.io),
// shared by the navigation's unread badge and the messages pages, so a tab holds one connection however
// many parts of the page listen. It opens with the first listener and closes with the last.

export type LiveEvent = 'live' | 'message' | 'read' | 'notification';
type Handler = (payload: unknown) => void;

const EVENTS: readonly LiveEvent[] = ['live', 'message', 'read', 'notification'];
const handlers = new Map<LiveEvent, Set<Handler>>(EVENTS.map((event) => [event, new Set<Handler>()]));
let source: EventSource | null = null;
/** The connection state, replayed to a listener that arrives after it was announced. */
let connected: { connected: boolean } | null = null;

function dispatch(event: LiveEvent, payload: unknown) {
  if (event === 'live') connected = payload as { connected: boolean };
  for (const handler of handlers.get(event)!) handler(payload);
}

function open() {
  source = new EventSource('/messages/events');
  for (const event of EVENTS) {
    source.addEventListener(event, (message) => dispatch(event, JSON.parse((message as MessageEvent<string>).data)));
  }
  // The browser reconnects by itself; until the server says so again, nothing arrives live.
  source.onerror = () => dispatch('live', { connected: false });
}

/** Listens to one kind of live event; returns the function that stops listening. Browser only. */
export function onLive(event: LiveEvent, handler: Handler): () => void {
  handlers.get(event)!.add(handler);
  if (!source) open();
  else if (event === 'live' && connected) {
    const state = connected;
    queueMicrotask(() => handler(state));
  }
  return () => {
    handlers.get(event)!.delete(handler);
    if ([...handlers.values()].every((set) => set.size === 0)) {
      source?.close();
      source = null;
      connected = null;
    }
  };
}

/** What the root layout's load depends on for the unread counts: invalidated when something arrives or is read. */
export const UNREAD_DEPENDENCY = 'kv:unread';
