import { setFlagsFromString } from 'node:v8';

/**
 * Importing this module holds V8's young generation at the size it starts with (two 1 MB semi-spaces), until
 * `releaseYoungGeneration()` gives the growth back to V8's policy (doubling up to 16 MB semi-spaces on Node 20, 32 MB
 * on Node 24, when much survives young collections). `main.ts` imports it before anything else.
 *
 * Loading the API's modules (about 2,000, 15 MB of source) and starting it allocates fast, so on V8's policy the young
 * generation had grown to its largest by the time the API was ready. It then stayed that large while the API sat
 * idle, since V8 shrinks it only at a collection and an idle process makes none: about 30 MB of RSS kept for nothing.
 * Held during start-up, it grows only under a load that needs it.
 *
 * V8 reads the flag each time it would grow the young generation, so setting it at run time works (Node 20 and 24),
 * but only before the allocation it is meant for: a young generation that has grown stays so.
 */
setFlagsFromString('--semi-space-growth-factor=1');

/** V8's own growth factor of the young generation (Node 20 and 24). */
const V8_GROWTH_FACTOR = 2;

export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
}
