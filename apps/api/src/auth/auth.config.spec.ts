import type { CloudAuth } from '@peak/openstack-client';
import type { ProjectRule } from './auth-policy';
import { authConfig } from './auth.config';
import { serviceAccountProject } from './auth.service';

const VARIABLES = [
  'AUTH_READ_ROLES',
  'AUTH_WRITE_ROLES',
  'AUTH_PROJECTS',
  'AUTH_ADMIN_PROJECTS',
  'AUTH_ALLOW_DOMAIN_SCOPE',
  'AUTH_ALLOW_SYSTEM_SCOPE',
  'AUTH_CACHE_TTL_SECONDS',
  'AUTH_CACHE_MAX_ENTRIES',
  'AUTH_LOGIN_LIMIT',
  'AUTH_LOGIN_WINDOW_SECONDS',
  'AUTH_LOCKOUT_THRESHOLD',
  'AUTH_LOCKOUT_BASE_SECONDS',
  'AUTH_LOCKOUT_MAX_SECONDS',
  'AUTH_FAILURE_LIMIT',
  'AUTH_NEGATIVE_CACHE_SECONDS',
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

  it('defaults to reads for reader, member and admin, writes for member and admin, a one-minute cache and no CORS', () => {
    expect(load({})).toEqual({
      readRoles: ['reader', 'member', 'admin'],
      writeRoles: ['member', 'admin'],
      adminProjects: undefined,
      projects: [],
      allowDomainScope: false,
      allowSystemScope: false,
      cacheTtlSeconds: 60,
      cacheMaxEntries: 10_000,
      loginLimit: 10,
      loginWindowSeconds: 60,
      lockoutThreshold: 5,
      lockoutBaseSeconds: 15,
      lockoutMaxSeconds: 900,
      failureLimit: 100,
      negativeCacheSeconds: 10,
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
        AUTH_PROJECTS: 'admin@Default,4E1B2C3D4E5F60718293A4B5C6D7E8F9, peak@ops@team ',
        AUTH_ADMIN_PROJECTS: 'admin@default',
        AUTH_ALLOW_DOMAIN_SCOPE: 'true',
        AUTH_ALLOW_SYSTEM_SCOPE: 'yes',
        AUTH_CACHE_TTL_SECONDS: '0',
        CORS_ORIGINS: 'https://console.example.com,http://localhost:4200/',
        BODY_LIMIT: '1MB',
        TRUST_PROXY: '172.30.0.10',
      }),
    ).toMatchObject({
      readRoles: ['reader', 'admin'],
      writeRoles: ['peak-operator'],
      projects: [{ name: 'admin', domain: 'Default' }, { id: '4E1B2C3D4E5F60718293A4B5C6D7E8F9' }, { name: 'peak@ops', domain: 'team' }],
      adminProjects: [{ name: 'admin', domain: 'default' }],
      allowDomainScope: true,
      allowSystemScope: true,
      cacheTtlSeconds: 0,
      corsOrigins: ['https://console.example.com', 'http://localhost:4200'],
      bodyLimit: '1mb',
      trustProxy: ['172.30.0.10'],
    });
    expect(load({ TRUST_PROXY: 'Loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
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
    [{ AUTH_PROJECTS: 'admin' }, /AUTH_PROJECTS: "admin" is neither a project id \(32 hex digits\) nor name@domain/],
    [{ AUTH_PROJECTS: 'demo@Default,4e1b2c' }, /AUTH_PROJECTS: "4e1b2c" is neither a project id/],
    [{ AUTH_ADMIN_PROJECTS: 'admin' }, /AUTH_ADMIN_PROJECTS: "admin" is neither a project id .* would match that name in every domain/],
    [{ AUTH_ADMIN_PROJECTS: 'admin@' }, /AUTH_ADMIN_PROJECTS: "admin@" must be name@domain with both parts/],
    [{ AUTH_ALLOW_DOMAIN_SCOPE: 'maybe' }, /AUTH_ALLOW_DOMAIN_SCOPE: must be true or false/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY: must list the proxies' addresses or CIDRs .* not trust every hop/],
    [{ TRUST_PROXY: '2' }, /TRUST_PROXY: must list the proxies' addresses or CIDRs/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY: "10.0.0.0\/33" is not an address, a CIDR or one of loopback/],
    [{ TRUST_PROXY: 'nginx' }, /TRUST_PROXY: "nginx" is not an address/],
    [{ AUTH_ALLOW_SYSTEM_SCOPE: 'sure' }, /AUTH_ALLOW_SYSTEM_SCOPE: must be true or false/],
  ])('refuses %o at boot, naming the variable', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });
});

describe('AUTH_ADMIN_PROJECTS default: the service account project', () => {
  const base = { authUrl: 'http://keystone/v3' } as const;
  it.each([
    ['a project id', { ...base, type: 'password', password: 'x', projectId: 'abc' }, [{ id: 'abc' }]],
    [
      'a name and domain name',
      { ...base, type: 'password', password: 'x', projectName: 'admin', projectDomainName: 'Default' },
      [{ name: 'admin', domain: 'Default' }],
    ],
    [
      'a name, domain id first',
      { ...base, type: 'password', password: 'x', projectName: 'admin', projectDomainId: 'default', projectDomainName: 'Default' },
      [{ name: 'admin', domain: 'default' }],
    ],
    ['a name without domain: none', { ...base, type: 'password', password: 'x', projectName: 'admin' }, []],
    [
      'an application credential: none',
      { ...base, type: 'applicationCredential', applicationCredentialId: 'c', applicationCredentialSecret: 's' },
      [],
    ],
  ] as [string, CloudAuth, ProjectRule[]][])('%s', (_case, auth, rules) => {
    expect(serviceAccountProject(auth)).toEqual(rules);
  });
});
