import type { INestApplication } from '@nestjs/common';
import type { OpenStackClient, ProjectRef, TokenInfo } from '@peak/openstack-client';
import { defaultSeed, startSimulator, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { AccessDenied } from './auth-errors';
import { assertCanRead, assertCanWrite, identityOf, type KeystoneScopeExtras, ProjectAccessDenied } from './auth-identity';
import { type AuthPolicy, matchesProject, parseProjectRule, type ProjectRule } from './auth-policy';
import type { AuthConfig } from './auth.config';
import type { AuthLimits } from './auth-limits';
import { AuthService, type Requirement } from './auth.service';

/*
 * Personas of OpenStack's secure RBAC against this API's rules. The simulator issues project-scoped and unscoped
 * tokens only: domain- and system-scoped tokens (and trusts) are tested with constructed token bodies through the
 * same `identityOf` and `AuthService.authorize` the guard uses; the rest also over HTTP against the simulator.
 */

const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };
const OTHER_DOMAIN = { id: 'other', name: 'Other' };
const ADMIN_PROJECT: ProjectRef = { id: stableHexId('project', 'admin'), name: 'admin', domain: DEFAULT_DOMAIN };
const DEMO_PROJECT: ProjectRef = { id: stableHexId('project', 'demo'), name: 'demo', domain: DEFAULT_DOMAIN };
/** Another domain's project that is also called `admin`. */
const OTHER_ADMIN_PROJECT: ProjectRef = { id: stableHexId('project', 'other/admin'), name: 'admin', domain: OTHER_DOMAIN };

const IMPLIED: Record<string, string[]> = { reader: ['reader'], member: ['member', 'reader'], admin: ['admin', 'member', 'reader'] };

interface TokenShape {
  role: 'reader' | 'member' | 'admin' | 'none';
  project?: ProjectRef;
  domain?: boolean;
  system?: boolean;
  appCredential?: boolean;
  trust?: boolean;
}

/** A Keystone token body as the client would parse it (plus the scope facts it does not parse yet). */
function keystoneToken(shape: TokenShape): TokenInfo & KeystoneScopeExtras {
  const roles = shape.role === 'none' ? [] : (IMPLIED[shape.role] ?? []);
  return {
    expiresAt: new Date(Date.now() + 3_600_000),
    methods: shape.appCredential ? ['application_credential'] : ['password'],
    user: { id: 'u1', name: 'someone', domain: DEFAULT_DOMAIN },
    ...(shape.project && { project: shape.project }),
    roles: roles.map((name) => ({ id: `role-${name}`, name })),
    catalog: [],
    ...(shape.appCredential && { applicationCredential: { id: 'cred-1', name: 'ci' } }),
    ...(shape.domain && { scopeDomain: DEFAULT_DOMAIN }),
    ...(shape.system && { system: true }),
    ...(shape.trust && { trustId: 'trust-1' }),
  };
}

const POLICY: AuthPolicy = {
  readRoles: ['reader', 'member', 'admin'],
  writeRoles: ['member', 'admin'],
  adminProjects: [{ name: 'admin', domain: 'Default' }],
  allowDomainScope: false,
  allowSystemScope: false,
};

describe('authorization rules (pure)', () => {
  const OWN = 'own';
  type Row = [
    string,
    TokenShape,
    Partial<AuthPolicy>,
    { cloudAdmin: boolean; readOwn: boolean; writeOwn: boolean; readOther: boolean; writeOther: boolean },
  ];
  const no = { cloudAdmin: false, readOwn: false, writeOwn: false, readOther: false, writeOther: false };
  const reader = { ...no, readOwn: true };
  const member = { ...reader, writeOwn: true };
  const everything = { cloudAdmin: true, readOwn: true, writeOwn: true, readOther: true, writeOther: true };
  const rows: Row[] = [
    ['project reader', { role: 'reader', project: DEMO_PROJECT }, {}, reader],
    ['project member', { role: 'member', project: DEMO_PROJECT }, {}, member],
    ['project admin of a project that is not an admin project', { role: 'admin', project: DEMO_PROJECT }, {}, member],
    ['admin on the admin project: cloud admin', { role: 'admin', project: ADMIN_PROJECT }, {}, everything],
    ['reader on the admin project', { role: 'reader', project: ADMIN_PROJECT }, {}, reader],
    ['member on the admin project', { role: 'member', project: ADMIN_PROJECT }, {}, member],
    ["admin on another domain's project named admin", { role: 'admin', project: OTHER_ADMIN_PROJECT }, {}, member],
    [
      "admin on another domain's admin project, listed by its domain id",
      { role: 'admin', project: OTHER_ADMIN_PROJECT },
      { adminProjects: [{ name: 'admin', domain: 'other' }] },
      everything,
    ],
    ['admin on a project listed by id', { role: 'admin', project: DEMO_PROJECT }, { adminProjects: [{ id: DEMO_PROJECT.id }] }, everything],
    ['member with an application credential', { role: 'member', project: DEMO_PROJECT, appCredential: true }, {}, member],
    [
      'admin of the admin project with an application credential',
      { role: 'admin', project: ADMIN_PROJECT, appCredential: true },
      {},
      everything,
    ],
    ['member through a trust', { role: 'member', project: DEMO_PROJECT, trust: true }, {}, member],
    ['domain admin, domain scope not allowed', { role: 'admin', domain: true }, {}, no],
    ['domain admin, domain scope allowed', { role: 'admin', domain: true }, { allowDomainScope: true }, everything],
    ['domain member, domain scope allowed', { role: 'member', domain: true }, { allowDomainScope: true }, no],
    ['system admin, system scope not allowed', { role: 'admin', system: true }, { allowDomainScope: true }, no],
    ['system admin, system scope allowed', { role: 'admin', system: true }, { allowSystemScope: true }, everything],
    ['system reader, system scope allowed', { role: 'reader', system: true }, { allowSystemScope: true }, no],
    ['unscoped', { role: 'none' }, { allowDomainScope: true, allowSystemScope: true }, no],
  ];

  it.each(rows)('%s', (_who, shape, policy, expected) => {
    const identity = identityOf(keystoneToken(shape), { ...POLICY, ...policy });
    const own = identity.project?.id ?? OWN;
    expect({
      cloudAdmin: identity.isCloudAdmin,
      readOwn: identity.canRead(own),
      writeOwn: identity.canWrite(own),
      readOther: identity.canRead('some-other-project'),
      writeOther: identity.canWrite('some-other-project'),
    }).toEqual(expected);
    expect(identity.isApplicationCredential).toBe(shape.appCredential === true);
    expect(identity.isTrust).toBe(shape.trust === true);
  });

  it('describes the scope, the project and the user of a token', () => {
    expect(identityOf(keystoneToken({ role: 'member', project: DEMO_PROJECT, appCredential: true }), POLICY)).toMatchObject({
      scope: 'project',
      user: { id: 'u1', name: 'someone', domainId: 'default', domainName: 'Default' },
      project: { id: DEMO_PROJECT.id, name: 'demo', domainId: 'default', domainName: 'Default' },
      roles: ['member', 'reader'],
      isApplicationCredential: true,
      applicationCredentialId: 'cred-1',
      isTrust: false,
    });
    expect(identityOf(keystoneToken({ role: 'admin', domain: true }), POLICY)).toMatchObject({ scope: 'domain', project: null });
    expect(identityOf(keystoneToken({ role: 'admin', system: true }), POLICY)).toMatchObject({ scope: 'system', project: null });
    expect(identityOf(keystoneToken({ role: 'none' }), POLICY)).toMatchObject({ scope: 'unscoped', project: null, roles: [] });
  });

  it('turns a failed check into a 403 that says why', () => {
    const demoReader = identityOf(keystoneToken({ role: 'reader', project: DEMO_PROJECT }), POLICY);
    expect(() => assertCanRead(demoReader, DEMO_PROJECT.id)).not.toThrow();
    const forbidden = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ProjectAccessDenied);
        return (error as ProjectAccessDenied).getResponse();
      }
      throw new Error('no 403');
    };
    expect(forbidden(() => assertCanWrite(demoReader, DEMO_PROJECT.id))).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'project demo: changing it needs one of member, admin; your token has reader',
    });
    expect(forbidden(() => assertCanRead(demoReader, ADMIN_PROJECT.id))).toMatchObject({
      message: `project ${ADMIN_PROJECT.id}: your token is scoped to project demo (${DEMO_PROJECT.id}); only a cloud admin (admin on an AUTH_ADMIN_PROJECTS project) may act on other projects`,
    });
    const domainMember = identityOf(keystoneToken({ role: 'member', domain: true }), { ...POLICY, allowDomainScope: true });
    expect(forbidden(() => assertCanRead(domainMember, DEMO_PROJECT.id))).toMatchObject({
      message: `project ${DEMO_PROJECT.id}: your token is domain-scoped; reading it needs a token scoped to that project`,
    });
  });

  it('reads project rules: ids, and names only with their domain', () => {
    expect(parseProjectRule(ADMIN_PROJECT.id)).toEqual({ ok: true, value: { id: ADMIN_PROJECT.id } });
    expect(parseProjectRule('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toEqual({
      ok: true,
      value: { id: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
    });
    expect(parseProjectRule('admin@Default')).toEqual({ ok: true, value: { name: 'admin', domain: 'Default' } });
    expect(parseProjectRule('a@b@other')).toEqual({ ok: true, value: { name: 'a@b', domain: 'other' } });
    expect(parseProjectRule('admin')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('would match that name in every domain'),
    });
    expect(parseProjectRule('@Default')).toMatchObject({ ok: false });

    const project = { id: '6f9619ff8b86d011b42d00c04fc964ff', name: 'admin', domainId: 'default', domainName: 'Default' };
    const matches = (rule: ProjectRule) => matchesProject(rule, project);
    expect(matches({ id: '6F9619FF-8B86-D011-B42D-00C04FC964FF' })).toBe(true);
    expect(matches({ name: 'admin', domain: 'Default' })).toBe(true);
    expect(matches({ name: 'admin', domain: 'default' })).toBe(true);
    expect(matches({ name: 'admin', domain: 'Other' })).toBe(false);
    expect(matches({ name: 'Admin', domain: 'Default' })).toBe(false);
  });
});

describe('the guard rule per persona and scope (AuthService.authorize)', () => {
  const service = (config: Partial<AuthConfig> = {}) =>
    new AuthService(
      {
        config: {
          auth: { type: 'password', authUrl: 'http://keystone/v3', password: 'x', projectName: 'admin', projectDomainName: 'Default' },
        },
      } as unknown as OpenStackClient,
      {
        readRoles: ['reader', 'member', 'admin'],
        writeRoles: ['member', 'admin'],
        adminProjects: undefined,
        projects: [],
        allowDomainScope: false,
        allowSystemScope: false,
        cacheTtlSeconds: 60,
        cacheMaxEntries: 10,
        ...config,
      } as AuthConfig,
      // authorize() never counts failures: no limits are needed.
      undefined as unknown as AuthLimits,
    );
  /** What each requirement answers: `ok`, or the 403's message. */
  const outcome = (auth: AuthService, shape: TokenShape) => {
    const identity = identityOf(keystoneToken(shape), auth.policy);
    const result = {} as Record<Requirement, string>;
    for (const requirement of ['authenticated', 'read', 'write'] as Requirement[]) {
      try {
        auth.authorize(identity, requirement);
        result[requirement] = 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(AccessDenied);
        result[requirement] = (error as AccessDenied).message;
      }
    }
    return result;
  };
  const ok = { authenticated: 'ok', read: 'ok', write: 'ok' };
  const readOnly = {
    ...ok,
    write: expect.stringMatching(/^Changing anything needs one of the roles member, admin; this token has reader/),
  };
  const refused = (message: string) => ({ authenticated: message, read: message, write: message });
  const noProject = 'This API needs a project-scoped token';

  it.each([
    ['project reader', {}, { role: 'reader', project: DEMO_PROJECT }, readOnly],
    ['project member', {}, { role: 'member', project: DEMO_PROJECT }, ok],
    ['project admin', {}, { role: 'admin', project: DEMO_PROJECT }, ok],
    ['cloud admin', {}, { role: 'admin', project: ADMIN_PROJECT }, ok],
    ['member with an application credential', {}, { role: 'member', project: DEMO_PROJECT, appCredential: true }, ok],
    ['reader with an application credential', {}, { role: 'reader', project: DEMO_PROJECT, appCredential: true }, readOnly],
    [
      'domain admin',
      {},
      { role: 'admin', domain: true },
      refused(`${noProject}; domain-scoped tokens are not accepted (AUTH_ALLOW_DOMAIN_SCOPE)`),
    ],
    ['domain admin, allowed', { allowDomainScope: true }, { role: 'admin', domain: true }, ok],
    [
      'domain reader, allowed',
      { allowDomainScope: true },
      { role: 'reader', domain: true },
      {
        authenticated: 'ok',
        read: 'A domain-scoped token counts only with the role admin; this one has reader',
        write: 'A domain-scoped token counts only with the role admin; this one has reader',
      },
    ],
    [
      'system admin',
      { allowDomainScope: true },
      { role: 'admin', system: true },
      refused(`${noProject}; system-scoped tokens are not accepted (AUTH_ALLOW_SYSTEM_SCOPE)`),
    ],
    ['system admin, allowed', { allowSystemScope: true }, { role: 'admin', system: true }, ok],
    ['unscoped', { allowDomainScope: true, allowSystemScope: true }, { role: 'none' }, refused(`${noProject}; this one is unscoped`)],
    [
      "admin of another domain's admin, AUTH_PROJECTS=admin@Default",
      { projects: [{ name: 'admin', domain: 'Default' }] },
      { role: 'admin', project: OTHER_ADMIN_PROJECT },
      refused('Tokens scoped to project admin (domain Other) are not accepted by this API'),
    ],
    [
      'admin of admin@Default, AUTH_PROJECTS=admin@Default',
      { projects: [{ name: 'admin', domain: 'Default' }] },
      { role: 'admin', project: ADMIN_PROJECT },
      ok,
    ],
    ['cloud admin with custom write roles', { writeRoles: ['peak-operator'] }, { role: 'admin', project: ADMIN_PROJECT }, ok],
    [
      'project admin with custom write roles',
      { writeRoles: ['peak-operator'] },
      { role: 'admin', project: DEMO_PROJECT },
      { ...ok, write: 'Changing anything needs one of the roles peak-operator; this token has admin, member, reader on project demo' },
    ],
  ] as [string, Partial<AuthConfig>, TokenShape, Record<Requirement, unknown>][])('%s', (_who, config, shape, expected) => {
    expect(outcome(service(config), shape)).toEqual(expected);
  });

  it("defaults AUTH_ADMIN_PROJECTS to the service account's project, and honours it when set", () => {
    expect(service().policy.adminProjects).toEqual([{ name: 'admin', domain: 'Default' }]);
    const listed = service({ adminProjects: [{ id: DEMO_PROJECT.id }] });
    expect(listed.permissions(identityOf(keystoneToken({ role: 'admin', project: DEMO_PROJECT }), listed.policy))).toEqual({
      read: true,
      write: true,
      cloudAdmin: true,
    });
    expect(listed.permissions(identityOf(keystoneToken({ role: 'admin', project: ADMIN_PROJECT }), listed.policy)).cloudAdmin).toBe(false);
  });
});

describe('personas against the simulator', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  const apps: INestApplication[] = [];

  /** A token straight from Keystone, in any domain; `unscoped` asks for none. */
  async function keystoneLogin(user: string, domain: string, project?: { name: string; domain: string } | 'unscoped'): Promise<string> {
    const scope =
      project === undefined
        ? {}
        : { scope: project === 'unscoped' ? 'unscoped' : { project: { name: project.name, domain: { name: project.domain } } } };
    const res = await fetch(`${sim.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password: 'secret' } } },
          ...scope,
        },
      }),
    });
    const token = res.headers.get('x-subject-token');
    if (res.status !== 201 || !token) throw new Error(`no token for ${user}: ${res.status} ${await res.text()}`);
    return token;
  }

  async function app(env: Record<string, string> = {}): Promise<INestApplication> {
    // process.env outlives an app: what another app of this file set must not leak into this one.
    const unset = {
      AUTH_PROJECTS: undefined,
      AUTH_ADMIN_PROJECTS: undefined,
      AUTH_ALLOW_DOMAIN_SCOPE: undefined,
      AUTH_ALLOW_SYSTEM_SCOPE: undefined,
    };
    const created = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false', AUTH_LOGIN_LIMIT: '1000', ...unset, ...env },
      auth: 'none',
    });
    apps.push(created);
    return created;
  }

  beforeAll(async () => {
    db = await createTestDatabase('authz');
    const seed = defaultSeed();
    sim = await startSimulator({
      port: 0,
      seed: {
        domains: [...seed.domains, OTHER_DOMAIN],
        projects: [...seed.projects, { id: OTHER_ADMIN_PROJECT.id, name: 'admin', domain: OTHER_DOMAIN.id }],
        users: [
          ...seed.users,
          { name: 'otheradmin', password: 'secret', domain: OTHER_DOMAIN.id, roles: [{ project: OTHER_ADMIN_PROJECT.id, role: 'admin' }] },
        ],
      },
    });
  });

  afterAll(async () => {
    for (const created of apps) await created.close();
    await sim?.close();
    await db?.drop();
  });

  const ADMIN_AT_ADMIN = ['admin', 'Default', { name: 'admin', domain: 'Default' }] as const;
  const ADMIN_AT_DEMO = ['admin', 'Default', { name: 'demo', domain: 'Default' }] as const;
  const DEMO_AT_DEMO = ['demo', 'Default', { name: 'demo', domain: 'Default' }] as const;
  const VIEWER_AT_ADMIN = ['viewer', 'Default', { name: 'admin', domain: 'Default' }] as const;
  const OTHER_ADMIN = ['otheradmin', 'Other', { name: 'admin', domain: 'Other' }] as const;

  /** Who-am-I's permissions, a read (`GET /v1/schedules`) and a write (`POST /v1/schedules` with an empty body: 400 once past the guard). */
  async function observe(target: INestApplication, token: string) {
    const http = () => request(target.getHttpServer());
    const whoAmI = await http().get('/v1/auth/tokens').set('X-Auth-Token', token);
    const read = await http().get('/v1/schedules').set('X-Auth-Token', token);
    const write = await http().post('/v1/schedules').set('X-Auth-Token', token).send({});
    return { whoAmI: whoAmI.status === 200 ? whoAmI.body.permissions : whoAmI.status, read: read.status, write: write.status };
  }

  it('applies the default rules: readers read, members write their project, admin on the service project is a cloud admin', async () => {
    const target = await app();
    const cases = [
      ['cloud admin (admin on admin@Default)', ADMIN_AT_ADMIN, { read: true, write: true, cloudAdmin: true }, 200, 400],
      ['project admin (admin on demo)', ADMIN_AT_DEMO, { read: true, write: true, cloudAdmin: false }, 200, 400],
      ['project member (demo on demo)', DEMO_AT_DEMO, { read: true, write: true, cloudAdmin: false }, 200, 400],
      ['project reader (viewer on admin)', VIEWER_AT_ADMIN, { read: true, write: false, cloudAdmin: false }, 200, 403],
      ["admin of another domain's admin project", OTHER_ADMIN, { read: true, write: true, cloudAdmin: false }, 200, 400],
    ] as const;
    for (const [who, [user, domain, project], permissions, read, write] of cases) {
      const observed = await observe(target, await keystoneLogin(user, domain, project));
      expect({ who, ...observed }).toEqual({ who, whoAmI: permissions, read, write });
    }
  });

  it('refuses unscoped tokens on every protected route, who-am-I included', async () => {
    const target = await app({ AUTH_ALLOW_DOMAIN_SCOPE: 'true', AUTH_ALLOW_SYSTEM_SCOPE: 'true' });
    const unscoped = await keystoneLogin('admin', 'Default', 'unscoped');
    expect(await observe(target, unscoped)).toEqual({ whoAmI: 403, read: 403, write: 403 });
    const res = await request(target.getHttpServer()).get('/v1/schedules').set('X-Auth-Token', unscoped).expect(403);
    expect(res.body.message).toBe('This API needs a project-scoped token; this one is unscoped');
  });

  it('logs in an application credential as the member it stands for', async () => {
    const target = await app();
    const res = await request(target.getHttpServer())
      .post('/v1/auth/tokens')
      .send({ applicationCredentialId: stableHexId('application_credential', 'demo-app'), applicationCredentialSecret: 'secret' })
      .expect(201);
    expect(res.body).toMatchObject({
      methods: ['application_credential'],
      roles: ['member'],
      permissions: { read: true, write: true, cloudAdmin: false },
    });
    expect(await observe(target, res.body.token)).toMatchObject({ read: 200, write: 400 });
  });

  it("matches AUTH_PROJECTS and AUTH_ADMIN_PROJECTS by name in the named domain only, never another domain's project of that name", async () => {
    const byName = await app({ AUTH_PROJECTS: 'admin@Default,demo@default', AUTH_ADMIN_PROJECTS: 'admin@Default' });
    expect(await observe(byName, await keystoneLogin(...OTHER_ADMIN))).toEqual({ whoAmI: 403, read: 403, write: 403 });
    expect(await observe(byName, await keystoneLogin(...ADMIN_AT_ADMIN))).toEqual({
      whoAmI: { read: true, write: true, cloudAdmin: true },
      read: 200,
      write: 400,
    });
    expect(await observe(byName, await keystoneLogin(...DEMO_AT_DEMO))).toMatchObject({ read: 200, write: 400 });

    const otherDomainAdmins = await app({ AUTH_ADMIN_PROJECTS: `admin@${OTHER_DOMAIN.name}` });
    expect(await observe(otherDomainAdmins, await keystoneLogin(...OTHER_ADMIN))).toMatchObject({ whoAmI: { cloudAdmin: true } });
    expect(await observe(otherDomainAdmins, await keystoneLogin(...ADMIN_AT_ADMIN))).toMatchObject({ whoAmI: { cloudAdmin: false } });
  });
});
