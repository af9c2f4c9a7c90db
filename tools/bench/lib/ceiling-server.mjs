#!/usr/bin/env node
// The benchmark's ceiling: a bare node:http server answering every request with the bytes of one API answer, kept in
// memory (CEILING_BODY_FILE, as application/json), on 127.0.0.1:CEILING_PORT. No routing, no auth, no logging:
// what Node itself serves on this machine, against which the API's throughput is read as a ratio.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.CEILING_BODY_FILE);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(Number(process.env.CEILING_PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));
