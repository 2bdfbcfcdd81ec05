'use strict';
// The baseline of the hub benchmark: the plain broadcast server most Node projects start from.
//   GET  /ws       WebSocket upgrade (no authentication, no protocol: every connection gets every message)
//   POST /publish  the request body is sent as one text frame to every open connection; answers 202 afterwards
// Per-message deflate is off (as in Herald's default). Listens on 127.0.0.1:$PORT (default 28180).
const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.env.PORT || 28180);
const host = process.env.HOST || '127.0.0.1';

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/publish') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let sent = 0;
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(body, { binary: false });
          sent++;
        }
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(`{"sent":${sent}}`);
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"connections":${wss.clients.size}}`);
    return;
  }
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
});

server.listen(port, host, 4096, () => {
  console.log(`node-peer: ws ${require('ws/package.json').version}, node ${process.version}, listening on ${host}:${port}`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    for (const c of wss.clients) c.terminate();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
