import { registerAs } from '@nestjs/config';

function fail(name: string, reason: string, raw: string): never {
  throw new Error(`Invalid environment configuration:\n  ${name}: ${reason} (got "${raw}")`);
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(name, `must be an integer from ${min} to ${max}`, raw);
  return value;
}

/** A comma-separated list; blanks and repeats dropped. */
function listFromEnv(name: string, fallback: readonly string[]): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  return [
    ...new Set(
      raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}

const ROLE_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

function rolesFromEnv(name: string, fallback: readonly string[]): string[] {
  const roles = listFromEnv(name, fallback);
  const bad = roles.find((role) => !ROLE_NAME.test(role));
  if (bad !== undefined) fail(name, `"${bad}" is not a Keystone role name`, process.env[name] ?? '');
  // Keystone role names are case-insensitive (it refuses `Admin` next to `admin`); so is the comparison.
  return roles.map((role) => role.toLowerCase());
}

/** `CORS_ORIGINS`: exact origins (`https://console.example.com`), no paths and no wildcards. */
function originsFromEnv(): string[] {
  return listFromEnv('CORS_ORIGINS', []).map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return fail('CORS_ORIGINS', `"${origin}" is not an origin such as https://console.example.com`, process.env['CORS_ORIGINS'] ?? '');
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      fail(
        'CORS_ORIGINS',
        `"${origin}" is not an origin such as https://console.example.com (scheme, host and port only)`,
        process.env['CORS_ORIGINS'] ?? '',
      );
    }
    return url.origin;
  });
}

/** `BODY_LIMIT` in body-parser's notation: a number of bytes, or `100kb`, `1mb`. */
function bodyLimitFromEnv(): string {
  const raw = process.env['BODY_LIMIT'];
  if (raw === undefined || raw === '') return '100kb';
  if (!/^\d+(?:b|kb|mb)?$/i.test(raw.trim())) fail('BODY_LIMIT', 'must be a size such as 100kb or 1mb', raw);
  return raw.trim().toLowerCase();
}

/** `TRUST_PROXY`: Express's `trust proxy` setting (false, true, a hop count, or addresses/subnets such as `loopback`). */
function trustProxyFromEnv(): boolean | number | string {
  const raw = process.env['TRUST_PROXY'];
  if (raw === undefined || raw.trim() === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * The `auth` config namespace: who may call the API (Keystone roles), how long a validated token is trusted
 * without asking Keystone again, login throttling, and the HTTP hardening around it (CORS, body size).
 */
export const authConfig = registerAs('auth', () => {
  const metricsToken = process.env['METRICS_TOKEN'] || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new Error('Invalid environment configuration:\n  METRICS_TOKEN: must be at least 16 characters long');
  }
  return {
    /** Any one of these roles allows reads (`AUTH_READ_ROLES`, default `reader,member,admin`). */
    readRoles: rolesFromEnv('AUTH_READ_ROLES', ['reader', 'member', 'admin']),
    /** Any one of these roles allows writes (`AUTH_WRITE_ROLES`, default `admin`). */
    writeRoles: rolesFromEnv('AUTH_WRITE_ROLES', ['admin']),
    /**
     * Only tokens scoped to one of these projects (names or ids) are accepted (`AUTH_PROJECTS`); empty accepts
     * any project, as Keystone's roles alone decide.
     */
    projects: listFromEnv('AUTH_PROJECTS', []),
    /**
     * How long a token Keystone called valid is trusted without asking again (`AUTH_CACHE_TTL_SECONDS`, default
     * 60; never past the token's own expiry; 0 asks Keystone on every request). It is also how long a token
     * revoked elsewhere than through this API may still be accepted.
     */
    cacheTtlSeconds: intFromEnv('AUTH_CACHE_TTL_SECONDS', 60, 0, 3600),
    /** Most tokens remembered at once (`AUTH_CACHE_MAX_ENTRIES`, default 10000); the least recently used go first. */
    cacheMaxEntries: intFromEnv('AUTH_CACHE_MAX_ENTRIES', 10_000, 1, 1_000_000),
    /** Login attempts per client address (`AUTH_LOGIN_LIMIT`, default 10) per window (`AUTH_LOGIN_WINDOW_SECONDS`, default 60). */
    loginLimit: intFromEnv('AUTH_LOGIN_LIMIT', 10, 1, 100_000),
    loginWindowSeconds: intFromEnv('AUTH_LOGIN_WINDOW_SECONDS', 60, 1, 86_400),
    /**
     * The Keystone named in `WWW-Authenticate` of a 401 (`AUTH_WWW_AUTHENTICATE_URI`, like keystonemiddleware's
     * `www_authenticate_uri`); defaults to the auth URL of the cloud the API uses.
     */
    wwwAuthenticateUri: process.env['AUTH_WWW_AUTHENTICATE_URI'] || undefined,
    /** Browser origins allowed to call the API cross-origin (`CORS_ORIGINS`, comma-separated; default none). */
    corsOrigins: originsFromEnv(),
    /** Largest request body accepted (`BODY_LIMIT`, default `100kb`); larger ones are a 413. */
    bodyLimit: bodyLimitFromEnv(),
    /** Proxies whose `X-Forwarded-For` is believed (`TRUST_PROXY`); it sets the client address login throttling counts by. */
    trustProxy: trustProxyFromEnv(),
    /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>` (`METRICS_TOKEN`, at least 16 characters). */
    metricsToken,
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
