import { isIP } from 'node:net';
import { EnvReader, defineConfig } from '../config/env';
import { parseProjectRule, type ProjectRule } from './auth-policy';

const ROLE_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

function rolesFromEnv(env: EnvReader, name: string, fallback: readonly string[]): string[] {
  const roles = env.list(name, fallback);
  const bad = roles.find((role) => !ROLE_NAME.test(role));
  if (bad !== undefined) env.problem(name, `"${bad}" is not a Keystone role name`, env.raw(name));
  // Keystone role names are case-insensitive (it refuses `Admin` next to `admin`); so is the comparison.
  return roles.map((role) => role.toLowerCase());
}

/**
 * `AUTH_ADMIN_PROJECTS` / `AUTH_PROJECTS`: project ids or `name@domain`; a bare name is refused at start-up, naming
 * the variable. Undefined when the variable is unset.
 */
function projectRulesFromEnv(env: EnvReader, name: string): ProjectRule[] | undefined {
  if (env.raw(name) === undefined) return undefined;
  const rules: ProjectRule[] = [];
  for (const entry of env.list(name, [])) {
    const parsed = parseProjectRule(entry);
    if (parsed.ok) rules.push(parsed.value);
    else env.problem(name, parsed.reason, env.raw(name));
  }
  return rules;
}

/** `CORS_ORIGINS`: exact origins (`https://console.example.com`), no paths and no wildcards. */
function originsFromEnv(env: EnvReader): string[] {
  const origins: string[] = [];
  for (const origin of env.list('CORS_ORIGINS', [])) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      env.problem(
        'CORS_ORIGINS',
        `"${origin}" is not an origin such as https://console.example.com (scheme, host and port only)`,
        env.raw('CORS_ORIGINS'),
      );
    } else origins.push(url.origin);
  }
  return origins;
}

/** `BODY_LIMIT` in body-parser's notation: a number of bytes, or `100kb`, `1mb`. */
function bodyLimitFromEnv(env: EnvReader): string {
  return env.parse('BODY_LIMIT', '100kb', (raw) =>
    /^\d+(?:b|kb|mb)?$/i.test(raw.trim())
      ? { ok: true, value: raw.trim().toLowerCase() }
      : { ok: false, reason: 'must be a size such as 100kb or 1mb' },
  );
}

/** Names Express (proxy-addr) gives to address ranges: 127.0.0.0/8 and ::1, 169.254.0.0/16 and fe80::/10, private ranges. */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4 or IPv6 address, optionally with a prefix length (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY`: the reverse proxies whose `X-Forwarded-For` is believed, as addresses, CIDRs or Express's names
 * (`loopback`, `linklocal`, `uniquelocal`); unset or `false` believes none. Express then takes the client's address
 * as the right-most entry that is not a trusted proxy, so a client cannot choose its own by sending the header.
 * `true` and hop counts are refused: they believe whatever the first hop says, and anyone who reaches the API port
 * without the proxy would pick the address that login throttling counts by.
 */
function trustProxyFromEnv(env: EnvReader): false | string[] {
  const raw = env.raw('TRUST_PROXY');
  if (raw === undefined || raw.trim() === '' || raw.trim().toLowerCase() === 'false') return false;
  const entries = env.list('TRUST_PROXY', []);
  if (raw.trim().toLowerCase() === 'true' || /^\d+$/.test(raw.trim())) {
    env.problem(
      'TRUST_PROXY',
      "must list the proxies' addresses or CIDRs (e.g. 172.30.0.10 or 10.0.0.0/8), not trust every hop: a client reaching the API directly could then choose its own address",
      raw,
    );
    return false;
  }
  const bad = entries.find((entry) => !TRUST_PROXY_NAMES.has(entry.toLowerCase()) && !isAddressOrCidr(entry));
  if (bad !== undefined) env.problem('TRUST_PROXY', `"${bad}" is not an address, a CIDR or one of loopback, linklocal, uniquelocal`, raw);
  return entries.map((entry) => (TRUST_PROXY_NAMES.has(entry.toLowerCase()) ? entry.toLowerCase() : entry));
}

/**
 * The `auth` config namespace: who may call the API (Keystone roles, admin projects, token scopes), how long a validated token is trusted
 * without asking Keystone again, login throttling, and the HTTP hardening around it (CORS, body size).
 */
export const authConfig = defineConfig('auth', (env) => {
  const metricsToken = env.string('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) env.problem('METRICS_TOKEN', 'must be at least 16 characters long');
  return {
    /** Any one of these roles on the token's project allows reading that project (`AUTH_READ_ROLES`, default `reader,member,admin`). */
    readRoles: rolesFromEnv(env, 'AUTH_READ_ROLES', ['reader', 'member', 'admin']),
    /** Any one of these roles on the token's project allows writing that project (`AUTH_WRITE_ROLES`, default `member,admin`). */
    writeRoles: rolesFromEnv(env, 'AUTH_WRITE_ROLES', ['member', 'admin']),
    /**
     * `admin` on one of these projects (ids or `name@domain`) makes a cloud admin, who reads and writes every
     * project (`AUTH_ADMIN_PROJECTS`). Undefined when unset: then the service account's own project (`AuthService`).
     */
    adminProjects: projectRulesFromEnv(env, 'AUTH_ADMIN_PROJECTS'),
    /**
     * Only tokens scoped to one of these projects (ids or `name@domain`) are accepted (`AUTH_PROJECTS`); empty
     * accepts any project, as Keystone's roles alone decide.
     */
    projects: projectRulesFromEnv(env, 'AUTH_PROJECTS') ?? [],
    /** Accept domain-scoped tokens (`AUTH_ALLOW_DOMAIN_SCOPE`, default false); a domain `admin` then counts as cloud admin. */
    allowDomainScope: env.bool('AUTH_ALLOW_DOMAIN_SCOPE', false),
    /** Accept system-scoped tokens (`AUTH_ALLOW_SYSTEM_SCOPE`, default false); a system `admin` then counts as cloud admin. */
    allowSystemScope: env.bool('AUTH_ALLOW_SYSTEM_SCOPE', false),
    /**
     * How long a token Keystone called valid is trusted without asking again (`AUTH_CACHE_TTL_SECONDS`, default
     * 60; never past the token's own expiry; 0 asks Keystone on every request). It is also how long a token
     * revoked elsewhere than through this API may still be accepted.
     */
    cacheTtlSeconds: env.int('AUTH_CACHE_TTL_SECONDS', 60, { min: 0, max: 3600 }),
    /** Most tokens remembered at once (`AUTH_CACHE_MAX_ENTRIES`, default 10000); the least recently used go first. */
    cacheMaxEntries: env.int('AUTH_CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
    /**
     * Failed logins per client address (`AUTH_LOGIN_LIMIT`, default 10) per window (`AUTH_LOGIN_WINDOW_SECONDS`,
     * default 60); beyond, that address's logins are refused (429) until the window ends.
     */
    loginLimit: env.int('AUTH_LOGIN_LIMIT', 10, { min: 1, max: 100_000 }),
    loginWindowSeconds: env.int('AUTH_LOGIN_WINDOW_SECONDS', 60, { min: 1, max: 86_400 }),
    /**
     * Consecutive failed logins of one user name before it is locked (`AUTH_LOCKOUT_THRESHOLD`, default 5); each
     * further failure doubles the lock, from `AUTH_LOCKOUT_BASE_SECONDS` (default 15) up to `AUTH_LOCKOUT_MAX_SECONDS`
     * (default 900). A successful login clears it.
     */
    lockoutThreshold: env.int('AUTH_LOCKOUT_THRESHOLD', 5, { min: 1, max: 1000 }),
    lockoutBaseSeconds: env.int('AUTH_LOCKOUT_BASE_SECONDS', 15, { min: 1, max: 86_400 }),
    lockoutMaxSeconds: env.int('AUTH_LOCKOUT_MAX_SECONDS', 900, { min: 1, max: 86_400 }),
    /**
     * Failed token authentications (unknown, expired, malformed tokens) per client address on any route
     * (`AUTH_FAILURE_LIMIT`, default 100) per `AUTH_LOGIN_WINDOW_SECONDS`; beyond, the address gets 429 without
     * Keystone being asked, so random tokens cannot be turned into a flood of Keystone calls.
     */
    failureLimit: env.int('AUTH_FAILURE_LIMIT', 100, { min: 1, max: 1_000_000 }),
    /** How long Keystone's "no such token" is remembered (`AUTH_NEGATIVE_CACHE_SECONDS`, default 10; 0 never). */
    negativeCacheSeconds: env.int('AUTH_NEGATIVE_CACHE_SECONDS', 10, { min: 0, max: 3600 }),
    /**
     * The Keystone named in `WWW-Authenticate` of a 401 (`AUTH_WWW_AUTHENTICATE_URI`, like keystonemiddleware's
     * `www_authenticate_uri`); defaults to the auth URL of the cloud the API uses.
     */
    wwwAuthenticateUri: env.string('AUTH_WWW_AUTHENTICATE_URI'),
    /** Browser origins allowed to call the API cross-origin (`CORS_ORIGINS`, comma-separated; default none). */
    corsOrigins: originsFromEnv(env),
    /** Largest request body accepted (`BODY_LIMIT`, default `100kb`); larger ones are a 413. */
    bodyLimit: bodyLimitFromEnv(env),
    /** Proxies whose `X-Forwarded-For` is believed (`TRUST_PROXY`); it sets the client address login throttling counts by. */
    trustProxy: trustProxyFromEnv(env),
    /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>` (`METRICS_TOKEN`, at least 16 characters). */
    metricsToken,
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
