import { defineEnvVars } from '@sveltejs/kit/env';

// Read when the server starts (not inlined at build), so one image serves every environment.
// A malformed URL stops the server at start-up instead of failing on a request.
const normalise = (raw: string) => new URL(raw).href.replace(/\/$/, '');

const urlOr = (fallback: string) => (value: string | undefined) => normalise(value || fallback);
const optionalUrl = (value: string | undefined) => (value ? normalise(value) : undefined);

export const variables = defineEnvVars({
  GATEWAY_URL: {
    description: 'Base URL of the API gateway as seen from the web server',
    schema: urlOr('http://127.0.0.1:8080'),
  },
  GATEWAY_PUBLIC_URL: {
    description: 'Base URL of the API gateway as seen from the browser (defaults to GATEWAY_URL)',
    schema: optionalUrl,
  },
  MESSAGING_URL: {
    description:
      'Base URL of the messaging service, for its socket.io live updates (the gateway does not proxy websockets)',
    schema: urlOr('http://127.0.0.1:4008'),
  },
  TEMPORAL_UI_URL: {
    description: 'Temporal Web UI, linked from the status panel',
    schema: urlOr('http://localhost:8233'),
  },
  TEMPORAL_NAMESPACE: {
    description: 'Temporal namespace the booking workflows run in, for links into the Temporal UI',
    schema: (value: string | undefined) => value || 'default',
  },
  PUBLIC_TILE_URL: {
    public: true,
    description: 'Map tile URL template for Leaflet ({s}, {z}, {x}, {y}); OpenStreetMap by default',
    schema: (value: string | undefined) => value || 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  },
});
