import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept before it collects again:
 * `percent` above the live size, or V8's own policy for 0, which lets a busy process grow to 4 times its live heap.
 *
 * Under a steady request load, objects made for requests that outlive a young collection die in the old generation:
 * with V8's policy they pile up to 4 times the live heap, and the process keeps that memory. (Before the HTTP server
 * created requests on Express's prototypes, see `express-adapter.ts`, that was about 2 MB per young collection on
 * Node 20: at 10,000 schedules and 1,000 list requests a second, about 55 MB live and 220 MB before each full
 * collection.) A lower growth collects the same garbage sooner, at the price of more full collections and their
 * pauses (the README's deployment section has the figures).
 *
 * V8 reads this flag each time it sets the next limit, so setting it once the process runs takes effect from the next
 * full collection on (Node 20 and 24 alike).
 */
export function limitHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
