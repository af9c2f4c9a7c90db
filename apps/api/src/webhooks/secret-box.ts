import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** How a sealed secret starts; a clear one starts with `whsec_`. */
const SEALED = 'sealed:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret none of the configured keys opens (the key was changed without keeping the old one). */
export class SecretUnavailableError extends Error {
  constructor(keyId: string) {
    super(`the webhook's secret is sealed with key ${keyId}, which neither WEBHOOK_SECRET_KEY nor WEBHOOK_SECRET_KEY_PREVIOUS holds`);
  }
}

/** A key's short public name, stored beside what it sealed (so the right key is tried, and rotation sees what is old). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Parses a key setting: 32 bytes as base64 (`openssl rand -base64 32`) or hex (`openssl rand -hex 32`); the reason
 * instead when it is neither.
 */
export function parseSecretKey(text: string): Buffer | string {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== KEY_BYTES || (!/^[0-9a-f]{64}$/i.test(trimmed) && bytes.toString('base64') !== trimmed)) {
    return 'must be 32 bytes, as base64 (openssl rand -base64 32) or hex (openssl rand -hex 32)';
  }
  return bytes;
}

/**
 * Webhook secrets at rest. With a key (`WEBHOOK_SECRET_KEY`), a secret is stored sealed with AES-256-GCM, bound to its
 * webhook's id (the id is the additional authenticated data: a sealed secret copied to another row does not open);
 * without one, in clear. Signing needs the secret itself, so it cannot be hashed. Earlier keys
 * (`WEBHOOK_SECRET_KEY_PREVIOUS`) still open what they sealed, until `needsResealing` rows are sealed again.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentId: string | null;

  constructor(
    private readonly current: Buffer | null,
    previous: readonly Buffer[] = [],
  ) {
    this.currentId = current ? keyIdOf(current) : null;
    this.keys = new Map([...previous, ...(current ? [current] : [])].map((key) => [keyIdOf(key), key]));
  }

  /** Whether secrets are sealed at all. */
  get sealing(): boolean {
    return this.current !== null;
  }

  /** What to store for `secret` of the webhook `webhookId`. */
  seal(secret: string, webhookId: string): string {
    if (!this.current || !this.currentId) return secret;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    cipher.setAAD(Buffer.from(webhookId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${SEALED}${this.currentId}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  /** The secret behind what is stored; throws `SecretUnavailableError` when no configured key opens it. */
  open(stored: string, webhookId: string): string {
    if (!stored.startsWith(SEALED)) return stored;
    const [keyId, payload = ''] = stored.slice(SEALED.length).split(':');
    const key = this.keys.get(keyId);
    if (!key) throw new SecretUnavailableError(keyId);
    const bytes = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(webhookId));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** Whether a stored secret should be sealed again: in clear while there is a key, or under an earlier key. */
  needsResealing(stored: string): boolean {
    if (!this.currentId) return false;
    return !stored.startsWith(`${SEALED}${this.currentId}:`);
  }

  /** Whether a stored secret is sealed (it cannot be used without its key). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED);
  }
}
