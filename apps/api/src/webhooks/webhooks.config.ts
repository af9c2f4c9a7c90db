import { defineConfig, type Parsed } from '../config/env';
import { parseSecretKey } from './secret-box';

function secretKey(raw: string): Parsed<Buffer> {
  const key = parseSecretKey(raw);
  return typeof key === 'string' ? { ok: false, reason: key } : { ok: true, value: key };
}

/** The `webhooks` config namespace. */
export const webhooksConfig = defineConfig('webhooks', (env) => ({
  /** Allow `http://` webhook URLs (only `https://` otherwise). */
  allowHttp: env.bool('WEBHOOK_ALLOW_HTTP', false),
  /**
   * Allow URLs whose host is (or resolves to) a private, loopback, link-local or otherwise internal address. Off, such
   * URLs are refused when saved and again at each delivery, after DNS resolution (SSRF).
   */
  allowPrivate: env.bool('WEBHOOK_ALLOW_PRIVATE', false),
  /** A delivery that has not answered after this long is a timeout (retried). */
  timeoutMs: env.int('WEBHOOK_TIMEOUT_MS', 10_000, { min: 100 }),
  /** First retry delay; it doubles per attempt (with jitter) up to `WEBHOOK_RETRY_MAX_MS`. */
  retryBaseMs: env.int('WEBHOOK_RETRY_BASE_MS', 5_000, { min: 10 }),
  retryMaxMs: env.int('WEBHOOK_RETRY_MAX_MS', 3_600_000, { min: 10 }),
  /** How often the dispatcher (on the engine leader) looks at the outbox and the due retries. */
  dispatchIntervalMs: env.int('WEBHOOK_DISPATCH_INTERVAL_MS', 1_000, { min: 10 }),
  /**
   * Seals webhook secrets at rest (AES-256-GCM): 32 bytes, base64 or hex. Unset, they are stored in clear. Secrets
   * stored in clear or under a previous key are sealed with it at start-up.
   */
  secretKey: env.parse<Buffer | null>('WEBHOOK_SECRET_KEY', null, secretKey),
  /** Earlier values of WEBHOOK_SECRET_KEY (comma-separated), kept while secrets sealed with them are sealed again. */
  previousSecretKeys: env.parse<Buffer[]>('WEBHOOK_SECRET_KEY_PREVIOUS', [], (raw) => {
    const keys: Buffer[] = [];
    for (const item of raw.split(',').filter((text) => text.trim() !== '')) {
      const key = secretKey(item);
      if (!key.ok) return key;
      keys.push(key.value);
    }
    return { ok: true, value: keys };
  }),
}));

export type WebhooksConfig = ReturnType<typeof webhooksConfig>;
