import { setFlagsFromString } from 'node:v8';

/**
 * Importing this module turns off V8's allocation-site pretenuring for the process. `main.ts` imports it before
 * anything else, so every allocation site the API's code creates is made without it.
 *
 * With pretenuring, V8 watches each allocation site (an object or array literal in a function) during young
 * collections; once most of a site's objects survive one, every later object of that site is made directly in the old
 * generation. A busy moment (start-up, a burst of writes, the engine's pass over new schedules while requests are in
 * flight) can mark the sites of the request path that way, and the mark stays. From then on each request's garbage
 * goes to the old generation, which only full collections free: measured (interleaved autocannon rounds, 20
 * connections, `GET /v1/schedules?limit=50`, two API processes on one database), an API that had taken 120 creates as
 * the engine's leader promoted about 10 MB per young collection, grew its old generation from 39 to 170 MB between
 * full collections, and spent 182–191 µs of CPU per request against 130–138 µs for a second process that had served
 * only reads. Without pretenuring the same process spent 150–159 µs, and its old generation stayed flat.
 *
 * V8 reads the flag when it decides, so setting it at run time works (Node 20 and 24), for the sites made after it.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
