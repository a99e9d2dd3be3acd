// Production entry: the adapter-node handler behind a plain Node HTTP server that tells SvelteKit which
// protocol the request really came in on. adapter-node assumes https unless ORIGIN or a protocol header
// says otherwise, and then SvelteKit's CSRF check refuses every form posted to a plain-http host
// (http://127.0.0.1:3000). Set ORIGIN behind a TLS-terminating proxy; this covers direct serving.
import { createServer } from 'node:http';

process.env.PROTOCOL_HEADER ??= 'x-kv-protocol';
const protocolHeader = process.env.PROTOCOL_HEADER;
const { handler } = await import('./build/handler.js');

const port = Number(process.env.PORT ?? process.env.KV_WEB_PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((req, res) => {
  // Always overwritten, never trusted from the client.
  req.headers[protocolHeader] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
});

server.listen(port, host, () => console.log(`web listening on http://${host}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
