import { authConfig } from './auth.config';

const VARIABLES = [
  'AUTH_READ_ROLES',
  'AUTH_WRITE_ROLES',
  'AUTH_PROJECTS',
  'AUTH_CACHE_TTL_SECONDS',
  'AUTH_CACHE_MAX_ENTRIES',
  'AUTH_LOGIN_LIMIT',
  'AUTH_LOGIN_WINDOW_SECONDS',
  'AUTH_WWW_AUTHENTICATE_URI',
  'CORS_ORIGINS',
  'BODY_LIMIT',
  'TRUST_PROXY',
  'METRICS_TOKEN',
];

describe('authConfig', () => {
  const saved = { ...process.env };
  const load = (env: Record<string, string>) => {
    for (const name of VARIABLES) delete process.env[name];
    Object.assign(process.env, env);
    return authConfig();
  };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('defaults to reads for reader, member and admin, writes for admin, a one-minute cache and no CORS', () => {
    expect(load({})).toEqual({
      readRoles: ['reader', 'member', 'admin'],
      writeRoles: ['admin'],
      projects: [],
      cacheTtlSeconds: 60,
      cacheMaxEntries: 10_000,
      loginLimit: 10,
      loginWindowSeconds: 60,
      wwwAuthenticateUri: undefined,
      corsOrigins: [],
      bodyLimit: '100kb',
      trustProxy: false,
      metricsToken: undefined,
    });
  });

  it('reads lists, numbers and origins', () => {
    expect(
      load({
        AUTH_READ_ROLES: ' Reader , admin,admin',
        AUTH_WRITE_ROLES: 'peak-operator',
        AUTH_PROJECTS: 'admin,4e1b2c',
        AUTH_CACHE_TTL_SECONDS: '0',
        CORS_ORIGINS: 'https://console.example.com,http://localhost:4200/',
        BODY_LIMIT: '1MB',
        TRUST_PROXY: '1',
      }),
    ).toMatchObject({
      readRoles: ['reader', 'admin'],
      writeRoles: ['peak-operator'],
      projects: ['admin', '4e1b2c'],
      cacheTtlSeconds: 0,
      corsOrigins: ['https://console.example.com', 'http://localhost:4200'],
      bodyLimit: '1mb',
      trustProxy: 1,
    });
    expect(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it.each([
    [{ AUTH_CACHE_TTL_SECONDS: '-1' }, /AUTH_CACHE_TTL_SECONDS: must be an integer from 0 to 3600/],
    [{ AUTH_CACHE_MAX_ENTRIES: '0' }, /AUTH_CACHE_MAX_ENTRIES: must be an integer/],
    [{ AUTH_LOGIN_LIMIT: 'many' }, /AUTH_LOGIN_LIMIT: must be an integer/],
    [{ AUTH_WRITE_ROLES: 'admin;drop' }, /AUTH_WRITE_ROLES: "admin;drop" is not a Keystone role name/],
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS: "\*" is not an origin/],
    [{ CORS_ORIGINS: 'https://console.example.com/app' }, /CORS_ORIGINS: .*scheme, host and port only/],
    [{ BODY_LIMIT: 'lots' }, /BODY_LIMIT: must be a size/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 16 characters/],
  ])('refuses %o at boot, naming the variable', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });
});
