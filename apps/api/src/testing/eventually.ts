/**
 * Polls `read` every `intervalMs` until it returns a value (anything but `undefined` or `false`, so a condition works
 * as well), for what a test cannot await directly: a log line is written when the response closes, which may come
 * after the client has read the answer; a lease changes hands on the next renewal. `read` may be async (a query, an
 * HTTP call): the next poll starts once it has settled.
 */
export async function eventually<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
