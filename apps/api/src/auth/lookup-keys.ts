import { hash, randomBytes } from 'node:crypto';

/**
 * Map keys for what the API must remember but not hold in clear (tokens, user names, client addresses): SHA-256 of a
 * random per-process salt and the value. A heap dump or a debugger then shows nothing that can be replayed against
 * Keystone, nor a name or an address, and the keys of one process match no other's.
 *
 * A one-shot digest (`crypto.hash`) rather than an HMAC: an HMAC object hashes its key into two blocks every time one
 * is made. With one per authenticated request (the token cache's look-up), that set-up was 2.8 % of the API's CPU
 * under the list load (a CPU profile of `npm run bench -- --only scale`); a salted one-shot digest of a token costs
 * about a fifth of the HMAC (0.6 against 2.4-3.4 us on Node 20). For a look-up key the two are equally safe: finding
 * the value behind a key takes the salt, which lives in the same heap as an HMAC key would.
 */
export class LookupKeys {
  /** Fixed length, so `salt + separator + value` reads one way only. */
  private readonly salt = randomBytes(32).toString('base64url');

  of(value: string): string {
    return hash('sha256', `${this.salt}\0${value}`, 'base64url');
  }
}
