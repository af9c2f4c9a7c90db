/**
 * Polls `read` until it returns a value (anything but `undefined` or `false`, so a condition works as well), for what
 * a test cannot await directly: a log line is written when the response closes, which may come after the client has
 * read the answer.
 */
export async function eventually<T>(read: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
