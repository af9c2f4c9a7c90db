import { randomBytes } from 'node:crypto';
import { type AuthContext, resolveToken, unauthorized } from '../auth';
import { isRecord } from '../behaviour';
import { ApiError, type RequestContext, type SimResponse } from '../http/exchange';
import { isoMicros } from '../http/formats';
import { type RouteParams, Router } from '../http/router';
import { stableHexId } from '../seed';
import type { Simulation } from '../simulation';
import type { ApplicationCredential, Project, Token, Trust, User } from '../state';
import { type ServiceModule, statusTitle } from './service';

/** Keystone's identity API version in Zed (2023.1 too). */
const IDENTITY_VERSION = 'v3.14';

/** One call to `/identity/…`. The caller is not resolved up front, because issuing a token and version discovery need none. */
interface IdentityCall {
  sim: Simulation;
  ctx: RequestContext;
  params: RouteParams;
}

type IdentityHandler = (call: IdentityCall) => SimResponse;

/** Keystone v3: version documents, token issue/validate/revoke (password, token, application credential), catalog. */
export function identityService(sim: Simulation): ServiceModule {
  const router = identityRoutes();
  return {
    name: 'identity',
    handle: async (ctx, subPath) => handleIdentity(router, sim, ctx, subPath),
    renderError: renderIdentityError,
  };
}

function identityRoutes(): Router<IdentityHandler> {
  return new Router<IdentityHandler>()
    .get('/', ({ ctx }) => ({
      status: 300,
      body: { versions: { values: [versionDoc(ctx)] } },
      // The one version there is, as a 300 Multiple Choices may say.
      headers: { Location: `${ctx.baseUrl}/identity/v3/` },
    }))
    .get('/v3', ({ ctx }) => ({ status: 200, body: { version: versionDoc(ctx) } }))
    .post('/v3/auth/tokens', issueToken)
    .get('/v3/auth/tokens', validateToken)
    .delete('/v3/auth/tokens', revokeToken)
    .get('/v3/auth/catalog', (call) => {
      const auth = caller(call);
      // Not a paged collection: only a `self` link.
      return { status: 200, body: { catalog: auth.project ? catalog(call, auth.project.id) : [], links: { self: selfUrl(call.ctx) } } };
    })
    .get('/v3/auth/projects', (call) => {
      const auth = caller(call);
      const { state } = call.sim;
      const projects = [...state.projects.values()].filter((p) => state.directRoleIds(auth.user.id, p.id).length > 0);
      return { status: 200, body: { projects: projects.map((p) => projectView(call.ctx, p)), links: links(call.ctx) } };
    })
    .get('/v3/projects', (call) => {
      const auth = caller(call);
      const { state } = call.sim;
      const name = call.ctx.query.get('name');
      const projects = [...state.projects.values()].filter(
        (p) => (auth.isAdmin || state.directRoleIds(auth.user.id, p.id).length > 0) && (name === null || p.name === name),
      );
      return { status: 200, body: { projects: projects.map((p) => projectView(call.ctx, p)), links: links(call.ctx) } };
    })
    .get('/v3/projects/:id', (call) => {
      const auth = caller(call);
      const { id } = call.params;
      const project = call.sim.state.projects.get(id);
      if (!project) throw new ApiError(404, `Could not find project: ${id}.`);
      if (!auth.isAdmin && project.id !== auth.project?.id) throw forbidden('identity:get_project');
      return { status: 200, body: { project: projectView(call.ctx, project) } };
    })
    .get('/v3/users/:id', (call) => {
      const user = ownUser(call, 'identity:get_user');
      return { status: 200, body: { user: userView(call.ctx, user) } };
    })
    .get('/v3/users/:id/projects', (call) => {
      const user = ownUser(call, 'identity:list_user_projects');
      const { state } = call.sim;
      const projects = [...state.projects.values()].filter((p) => state.directRoleIds(user.id, p.id).length > 0);
      return { status: 200, body: { projects: projects.map((p) => projectView(call.ctx, p)), links: links(call.ctx) } };
    })
    .get('/v3/users/:id/application_credentials', (call) => {
      const user = ownUser(call, 'identity:list_application_credentials');
      const name = call.ctx.query.get('name');
      const credentials = [...call.sim.state.applicationCredentials.values()].filter(
        (c) => c.userId === user.id && (name === null || c.name === name),
      );
      return {
        status: 200,
        body: { application_credentials: credentials.map((c) => credentialView(call, c)), links: links(call.ctx) },
      };
    })
    .get('/v3/users/:id/application_credentials/:credentialId', (call) => {
      const user = ownUser(call, 'identity:get_application_credential');
      const credential = ownCredential(call, user);
      return { status: 200, body: { application_credential: credentialView(call, credential) } };
    })
    .post('/v3/users/:id/application_credentials', createCredential)
    .post('/v3/OS-TRUST/trusts', createTrust)
    .get('/v3/OS-TRUST/trusts', listTrusts)
    .get('/v3/OS-TRUST/trusts/:id', (call) => {
      const trust = relatedTrust(call, 'identity:get_trust');
      return { status: 200, body: { trust: trustView(call, trust, true) } };
    })
    .delete('/v3/OS-TRUST/trusts/:id', (call) => {
      const auth = caller(call);
      const trust = liveTrust(call);
      // Keystone's policy: the trustor or an admin; the trustee may use the trust but not delete it.
      if (!auth.isAdmin && auth.user.id !== trust.trustorUserId) throw forbidden('identity:delete_trust');
      refuseRestricted(auth, 'identity:delete_trust');
      call.sim.state.deleteTrust(trust.id);
      return { status: 204 };
    })
    .get('/v3/OS-TRUST/trusts/:id/roles', (call) => {
      const trust = relatedTrust(call, 'identity:list_roles_for_trust');
      const view = trustView(call, trust, true);
      return { status: 200, body: { roles: view['roles'], links: view['roles_links'] } };
    })
    .get('/v3/OS-TRUST/trusts/:id/roles/:roleId', (call) => {
      const trust = relatedTrust(call, 'identity:get_role_for_trust');
      const { roleId } = call.params;
      if (!trust.roleIds.includes(roleId)) throw new ApiError(404, `Could not find role: ${roleId}.`);
      return { status: 200, body: { role: fullRole(call, roleId) } };
    })
    .delete('/v3/users/:id/application_credentials/:credentialId', (call) => {
      const user = ownUser(call, 'identity:delete_application_credential');
      const credential = ownCredential(call, user);
      call.sim.state.applicationCredentials.delete(credential.id);
      return { status: 204 };
    });
}

function handleIdentity(router: Router<IdentityHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  const response = route(router, sim, ctx, subPath);
  // Keystone's answers depend on the caller's token.
  return { ...response, headers: { Vary: 'X-Auth-Token', ...(response.headers ?? {}) } };
}

function route(router: Router<IdentityHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  try {
    const match = router.match(ctx.method, subPath);
    switch (match.kind) {
      case 'found':
        return match.handler({ sim, ctx, params: match.params });
      case 'method-not-allowed':
        throw new ApiError(405, 'The method specified is not allowed for the requested resource.');
      case 'not-found':
        throw new ApiError(404, 'The resource could not be found.');
    }
  } catch (error) {
    if (error instanceof ApiError) return renderIdentityError(error);
    throw error;
  }
}

function renderIdentityError(error: ApiError): SimResponse {
  return {
    status: error.status,
    body: error.options.body ?? { error: { code: error.status, message: error.message, title: statusTitle(error.status) } },
    headers: error.options.headers,
  };
}

/**
 * The catalog every project-scoped token carries: the services at devstack-style paths on this server (Cinder's with
 * the token's project in it, and only while `blockStorage` is on; Octavia's while `loadBalancer` is on).
 */
function catalog({ sim, ctx }: IdentityCall, projectId: string): unknown[] {
  const base = ctx.baseUrl;
  const services: [type: string, name: string, url: string][] = [
    ['identity', 'keystone', `${base}/identity`],
    ['compute', 'nova', `${base}/compute/v2.1`],
    ['image', 'glance', `${base}/image`],
    ['network', 'neutron', `${base}/network`],
  ];
  // Cinder's endpoint names the project, as devstack registers it; the real Zed harness has no Cinder.
  if (sim.behaviour.blockStorage) services.push(['block-storage', 'cinder', `${base}/volume/v3/${projectId}`]);
  // Octavia, unversioned as devstack registers it.
  if (sim.behaviour.loadBalancer) services.push(['load-balancer', 'octavia', `${base}/load-balancer`]);
  const region = sim.state.region;
  return services.map(([type, name, url]) => ({
    endpoints: ['public', 'internal', 'admin'].map((iface) => ({
      id: stableHexId('endpoint', `${type}/${iface}`),
      interface: iface,
      region_id: region,
      url,
      region,
    })),
    id: stableHexId('service', type),
    type,
    name,
  }));
}

function versionDoc(ctx: RequestContext): unknown {
  return {
    id: IDENTITY_VERSION,
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${ctx.baseUrl}/identity/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

// ---- tokens ----

function issueToken(call: IdentityCall): SimResponse {
  const { sim, ctx } = call;
  const { state } = sim;
  const body = ctx.jsonObject(() => badRequest('Malformed request body.'));
  const auth = body['auth'];
  if (!isRecord(auth)) throw expecting('auth', 'request body');
  const identity = auth['identity'];
  if (!isRecord(identity)) throw expecting('identity', 'auth');
  const methods = identity['methods'];
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw expecting('methods', 'identity');
  }
  // Fernet tokens carry whole seconds (`issued_at`/`expires_at` end in `.000000Z`); a sub-second TTL (a test's)
  // keeps milliseconds so the token lives as long as asked.
  const ttlSeconds = sim.behaviour.tokenTtlSeconds;
  const now = Number.isInteger(ttlSeconds) ? Math.floor(Date.now() / 1000) * 1000 : Date.now();
  const method = methods[0] as string;
  let user: User;
  let credential: ApplicationCredential | undefined;
  let previous: Token | undefined;
  switch (method) {
    case 'password':
      user = passwordUser(call, identity['password']);
      break;
    case 'token': {
      const token = isRecord(identity['token']) ? identity['token'] : undefined;
      if (!token) throw expecting('token', 'identity');
      previous = state.validToken(typeof token['id'] === 'string' ? token['id'] : undefined, now);
      if (!previous) throw unauthorized(ctx);
      // Keystone's token plugin: a delegated token may not be turned into another one.
      if (previous.trustId !== null) {
        throw forbidden('Using trust-scoped token to create another token. Create a new trust-scoped token instead');
      }
      const found = state.users.get(previous.userId);
      if (!found) throw unauthorized(ctx);
      user = found;
      break;
    }
    case 'application_credential':
      credential = applicationCredential(call, identity['application_credential'], now);
      user = state.users.get(credential.userId) ?? fail(unauthorized(ctx));
      break;
    default:
      throw unauthorized(ctx);
  }

  let project: Project | null;
  let roleIds: string[];
  let trust: Trust | undefined;
  if (!credential && isRecord(auth['scope']) && auth['scope']['OS-TRUST:trust'] !== undefined) {
    trust = trustScope(call, auth['scope']['OS-TRUST:trust'], user, Date.now());
    project = state.projects.get(trust.projectId) ?? fail(unauthorized(ctx));
    roleIds = state.effectiveTrustRoleIds(trust);
    // With impersonation the token is the trustor's (services see the trustor); otherwise the trustee's.
    if (trust.impersonation) user = state.users.get(trust.trustorUserId) ?? fail(unauthorized(ctx));
    if (trust.remainingUses !== null) trust.remainingUses -= 1;
  } else if (credential) {
    // An application credential fixes the scope; asking for another is refused.
    project = state.projects.get(credential.projectId) ?? fail(unauthorized(ctx));
    if (auth['scope'] !== undefined) {
      const asked = scopedProject(call, auth['scope']);
      if (asked?.id !== project.id) throw unauthorized(ctx);
    }
    roleIds = credential.roleIds;
  } else {
    project = auth['scope'] !== undefined ? scopedProject(call, auth['scope']) : null;
    if (!project && auth['scope'] === undefined) {
      // Without a scope Keystone scopes to the user's default project (when they still have a role on it).
      const fallback = previous?.projectId ?? user.defaultProjectId;
      const candidate = fallback ? state.projects.get(fallback) : undefined;
      if (candidate && state.directRoleIds(user.id, candidate.id).length > 0) project = candidate;
    }
    roleIds = project ? state.directRoleIds(user.id, project.id) : [];
    if (project && roleIds.length === 0) throw unauthorized(ctx);
  }

  const token: Token = {
    id: `gAAAAAB${randomBytes(132).toString('base64url')}`,
    userId: user.id,
    projectId: project?.id ?? null,
    // An application credential's token has exactly its roles; implied roles are added to the others only.
    roleIds: credential || trust ? roleIds : state.withImpliedRoles(roleIds),
    methods: credential ? ['application_credential'] : previous ? [...new Set([...previous.methods, 'token'])] : ['password'],
    issuedAt: now,
    // A rescoped token never outlives the one it came from.
    expiresAt: Math.min(now + sim.behaviour.tokenTtlSeconds * 1000, previous?.expiresAt ?? Infinity),
    auditId: randomBytes(16).toString('base64url').slice(0, 22),
    applicationCredentialId: credential?.id ?? null,
    trustId: trust?.id ?? null,
  };
  if (credential?.expiresAt != null) token.expiresAt = Math.min(token.expiresAt, credential.expiresAt);
  // A trust-scoped token never outlives its trust.
  if (trust?.expiresAt != null) token.expiresAt = Math.min(token.expiresAt, trust.expiresAt);
  state.sweepTokens(now);
  state.tokens.set(token.id, token);
  return {
    status: 201,
    headers: { 'X-Subject-Token': token.id },
    body: tokenBody(call, token, !ctx.query.has('nocatalog')),
  };
}

function validateToken(call: IdentityCall): SimResponse {
  const { sim, ctx } = call;
  const auth = caller(call);
  const subjectId = ctx.header('x-subject-token');
  if (!subjectId) throw expecting('X-Subject-Token', 'request headers');
  const now = Date.now();
  const subject = ctx.query.has('allow_expired') ? sim.state.tokens.get(subjectId) : sim.state.validToken(subjectId, now);
  if (!subject) throw new ApiError(404, `Could not find token: ${subjectId}.`);
  if (!auth.isAdmin && !auth.roleNames.includes('service') && auth.user.id !== subject.userId) {
    throw forbidden('identity:validate_token');
  }
  return {
    status: 200,
    headers: { 'X-Subject-Token': subject.id },
    body: tokenBody(call, subject, !ctx.query.has('nocatalog')),
  };
}

function revokeToken(call: IdentityCall): SimResponse {
  const { sim, ctx } = call;
  const auth = caller(call);
  const subjectId = ctx.header('x-subject-token');
  if (!subjectId) throw expecting('X-Subject-Token', 'request headers');
  const subject = sim.state.validToken(subjectId, Date.now());
  if (!subject) throw new ApiError(404, `Could not find token: ${subjectId}.`);
  if (!auth.isAdmin && auth.user.id !== subject.userId) throw forbidden('identity:revoke_token');
  sim.state.tokens.delete(subject.id);
  return { status: 204 };
}

function tokenBody(call: IdentityCall, token: Token, withCatalog: boolean): unknown {
  const { state } = call.sim;
  const user = state.users.get(token.userId);
  const project = token.projectId ? state.projects.get(token.projectId) : undefined;
  const domainOf = (id: string) => ({ id, name: state.domains.get(id)?.name ?? id });
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: user && { domain: domainOf(user.domainId), id: user.id, name: user.name, password_expires_at: null },
    audit_ids: [token.auditId],
    expires_at: isoMicros(token.expiresAt),
    issued_at: isoMicros(token.issuedAt),
  };
  if (project) {
    body['project'] = { domain: domainOf(project.domainId), id: project.id, name: project.name };
    // The real Zed Keystone: a trust-scoped token has no `is_domain`, and its roles come as full role refs.
    if (!token.trustId) body['is_domain'] = false;
    body['roles'] = token.roleIds.map((id) => (token.trustId ? roleView(call, id) : { id, name: state.roles.get(id)?.name ?? id }));
    if (withCatalog) body['catalog'] = catalog(call, project.id);
  }
  const credential = token.applicationCredentialId ? state.applicationCredentials.get(token.applicationCredentialId) : undefined;
  if (credential) body['application_credential'] = { id: credential.id, name: credential.name, restricted: true };
  const trust = token.trustId ? state.trusts.get(token.trustId) : undefined;
  if (trust) {
    body['OS-TRUST:trust'] = {
      id: trust.id,
      impersonation: trust.impersonation,
      trustee_user: { id: trust.trusteeUserId },
      trustor_user: { id: trust.trustorUserId },
    };
  }
  return { token: body };
}

/**
 * The trust of an `OS-TRUST:trust` scope, checked as Keystone does when it issues a trust-scoped token: an unknown,
 * deleted, expired or used-up trust is 404; a caller who is not the trustee 403; a trustor who no longer holds every
 * delegated role 403 ("Trustee has no delegated roles.").
 */
function trustScope(call: IdentityCall, ref: unknown, user: User, now: number): Trust {
  const { state } = call.sim;
  if (!isRecord(ref) || typeof ref['id'] !== 'string') throw expecting('trust_id', 'trust');
  const trust = state.liveTrust(ref['id'], now) ?? fail(trustNotFound(ref['id']));
  if (trust.trusteeUserId !== user.id) throw new ApiError(403, 'User is not a trustee.');
  if (!state.trustorHoldsRoles(trust)) throw new ApiError(403, 'Trustee has no delegated roles.');
  return trust;
}

function passwordUser(call: IdentityCall, input: unknown): User {
  if (!isRecord(input)) throw expecting('password', 'identity');
  const userRef = input['user'];
  if (!isRecord(userRef)) throw expecting('user', 'password');
  const password = userRef['password'];
  if (typeof password !== 'string') throw expecting('password', 'user');
  const user = userByRef(call, userRef);
  if (!user || user.password !== password) throw unauthorized(call.ctx);
  return user;
}

function applicationCredential(call: IdentityCall, input: unknown, now: number): ApplicationCredential {
  const { state } = call.sim;
  if (!isRecord(input)) throw expecting('application_credential', 'identity');
  const secret = input['secret'];
  if (typeof secret !== 'string') throw expecting('secret', 'application_credential');
  let credential: ApplicationCredential | undefined;
  if (typeof input['id'] === 'string') {
    credential = state.applicationCredentials.get(input['id']);
  } else if (typeof input['name'] === 'string') {
    const user = isRecord(input['user']) ? userByRef(call, input['user']) : undefined;
    if (!user) throw expecting('user', 'application_credential');
    const name = input['name'];
    credential = [...state.applicationCredentials.values()].find((c) => c.name === name && c.userId === user.id);
  } else {
    throw expecting('id', 'application_credential');
  }
  if (!credential || credential.secret !== secret) throw unauthorized(call.ctx);
  if (credential.expiresAt !== null && credential.expiresAt <= now) throw unauthorized(call.ctx);
  return credential;
}

/** A user by `{id}` or `{name, domain: {id|name}}`. */
function userByRef(call: IdentityCall, ref: Record<string, unknown>): User | undefined {
  const { state } = call.sim;
  if (typeof ref['id'] === 'string') return state.users.get(ref['id']);
  if (typeof ref['name'] !== 'string') throw expecting('id or name', 'user');
  if (!isRecord(ref['domain'])) throw expecting('domain', 'user');
  const domain = state.findDomain(ref['domain']);
  if (!domain) throw unauthorized(call.ctx);
  const name = ref['name'];
  return [...state.users.values()].find((u) => u.name === name && u.domainId === domain.id);
}

/** The project of a `scope`; `null` for `"unscoped"`. Domain and system scopes are not simulated. */
function scopedProject(call: IdentityCall, scope: unknown): Project | null {
  const { state } = call.sim;
  if (scope === 'unscoped') return null;
  if (!isRecord(scope)) throw badRequest("Invalid input for field 'scope'.");
  const ref = scope['project'];
  if (!isRecord(ref)) throw unauthorized(call.ctx);
  if (typeof ref['id'] === 'string') return state.projects.get(ref['id']) ?? fail(unauthorized(call.ctx));
  if (typeof ref['name'] !== 'string') throw expecting('id or name', 'project');
  if (!isRecord(ref['domain'])) throw expecting('domain', 'project');
  const domain = state.findDomain(ref['domain']);
  const project = domain && state.findProject(ref['name'], domain.id);
  return project ?? fail(unauthorized(call.ctx));
}

// ---- users, projects, application credentials ----

function caller({ sim, ctx }: IdentityCall): AuthContext {
  const token = sim.state.validToken(ctx.header('x-auth-token'), Date.now());
  const auth = token && resolveToken(sim, token);
  if (!auth) throw unauthorized(ctx);
  return auth;
}

/** The user of the `:id` path parameter, when it is the caller (or the caller is admin). */
function ownUser(call: IdentityCall, action: string): User {
  const auth = caller(call);
  const { id } = call.params;
  if (!auth.isAdmin && auth.user.id !== id) throw forbidden(action);
  return call.sim.state.users.get(id) ?? fail(new ApiError(404, `Could not find user: ${id}.`));
}

/** The application credential of the `:credentialId` path parameter; another user's is as unknown as a missing one. */
function ownCredential(call: IdentityCall, user: User): ApplicationCredential {
  const { credentialId } = call.params;
  const credential = call.sim.state.applicationCredentials.get(credentialId);
  if (!credential || credential.userId !== user.id) {
    throw new ApiError(404, `Could not find application credential: ${credentialId}.`);
  }
  return credential;
}

function createCredential(call: IdentityCall): SimResponse {
  const { sim, ctx } = call;
  const { state } = sim;
  const userId = call.params['id'];
  const auth = caller(call);
  if (auth.user.id !== userId) throw forbidden('identity:create_application_credential');
  if (auth.token.applicationCredentialId) throw forbidden('identity:create_application_credential');
  const project = auth.project ?? fail(badRequest('Application credentials need a project-scoped token.'));
  const input = ctx.jsonObject(() => badRequest('Malformed request body.'))['application_credential'];
  if (!isRecord(input)) throw expecting('application_credential', 'request body');
  const name = input['name'];
  if (typeof name !== 'string' || name.length === 0) throw expecting('name', 'application_credential');
  if ([...state.applicationCredentials.values()].some((c) => c.userId === userId && c.name === name)) {
    throw new ApiError(409, `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${name}.`);
  }
  const directRoles = state.directRoleIds(userId, project.id);
  let roleIds = directRoles;
  if (Array.isArray(input['roles'])) {
    roleIds = input['roles'].map((r: unknown) => {
      const role = isRecord(r)
        ? typeof r['id'] === 'string'
          ? state.roles.get(r['id'])
          : typeof r['name'] === 'string'
            ? state.roleByName(r['name'])
            : undefined
        : undefined;
      if (!role || !state.withImpliedRoles(directRoles).includes(role.id)) {
        throw forbidden('identity:create_application_credential');
      }
      return role.id;
    });
  }
  const expiresAt = typeof input['expires_at'] === 'string' ? Date.parse(input['expires_at']) : null;
  if (expiresAt !== null && Number.isNaN(expiresAt)) throw badRequest("Invalid input for field 'expires_at'.");
  const credential: ApplicationCredential = {
    id: randomBytes(16).toString('hex'),
    name,
    secret: typeof input['secret'] === 'string' ? input['secret'] : randomBytes(32).toString('base64url'),
    description: typeof input['description'] === 'string' ? input['description'] : null,
    unrestricted: typeof input['unrestricted'] === 'boolean' ? input['unrestricted'] : null,
    userId,
    projectId: project.id,
    roleIds,
    expiresAt,
  };
  state.applicationCredentials.set(credential.id, credential);
  return { status: 201, body: { application_credential: { ...credentialView(call, credential), secret: credential.secret } } };
}

/** As Keystone shows it; `access_rules` only when there are some (the simulator keeps none). */
function credentialView(call: IdentityCall, c: ApplicationCredential): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    user_id: c.userId,
    project_id: c.projectId,
    system: null,
    expires_at: c.expiresAt === null ? null : isoMicros(c.expiresAt).slice(0, -1),
    unrestricted: c.unrestricted,
    roles: c.roleIds.map((id) => roleView(call, id)),
    links: { self: `${call.ctx.baseUrl}/identity/v3/application_credentials/${c.id}` },
  };
}

/** A role in full (application credentials); those `keystone-manage bootstrap` makes are immutable. */
function roleView(call: IdentityCall, id: string): Record<string, unknown> {
  const name = call.sim.state.roles.get(id)?.name ?? id;
  const immutable = ['admin', 'member', 'reader'].includes(name);
  return { id, name, domain_id: null, description: null, options: immutable ? { immutable: true } : {} };
}

// ---- trusts (OS-TRUST) ----

/** Keystone's default `max_redelegation_count`. */
const MAX_REDELEGATION_COUNT = 3;

/**
 * `POST /v3/OS-TRUST/trusts`, in Keystone's order of checks: the caller must be the trustor (403, admins included),
 * the body valid (400), the token neither a restricted application credential's (403) nor trust-scoped without
 * redelegation (403); the trustee must exist (404), the roles too (404), and the trustor must hold each on the
 * project, implied roles counting (404 `Could not find role`, as Keystone answers).
 */
function createTrust(call: IdentityCall): SimResponse {
  const { sim, ctx } = call;
  const { state } = sim;
  const auth = caller(call);
  const input = ctx.jsonObject(() => badRequest('Malformed request body.'))['trust'];
  if (!isRecord(input)) throw expecting('trust', 'request body');
  if (auth.user.id !== input['trustor_user_id']) throw forbidden('identity:create_trust');
  for (const name of ['trustor_user_id', 'trustee_user_id']) {
    if (typeof input[name] !== 'string' || input[name] === '') throw invalidField(name);
  }
  if (typeof input['impersonation'] !== 'boolean') throw invalidField('impersonation');
  const projectId = input['project_id'];
  // Keystone allows project-less trusts (no roles, no project scope); the simulator does not.
  if (typeof projectId !== 'string' || projectId === '') throw invalidField('project_id');
  const roleRefs = input['roles'] ?? [];
  if (!Array.isArray(roleRefs) || !roleRefs.every((r) => isRecord(r) && (typeof r['id'] === 'string' || typeof r['name'] === 'string'))) {
    throw invalidField('roles');
  }
  const optional = (name: string, check: (v: unknown) => boolean) => {
    const value = input[name];
    if (value !== undefined && value !== null && !check(value)) throw invalidField(name);
    return value ?? null;
  };
  const expiresAtInput = optional('expires_at', (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v))) as string | null;
  const allowRedelegation = optional('allow_redelegation', (v) => typeof v === 'boolean') as boolean | null;
  const requestedCount = optional('redelegation_count', (v) => Number.isInteger(v) && (v as number) >= 0) as number | null;
  const remainingUses = optional('remaining_uses', (v) => Number.isInteger(v) && (v as number) >= 1) as number | null;
  refuseRestricted(auth, 'identity:create_trust');
  if (roleRefs.length === 0) throw forbidden('At least one role should be specified');
  const trustee = state.users.get(input['trustee_user_id'] as string);
  if (!trustee) throw new ApiError(404, `Could not find user: ${String(input['trustee_user_id'])}.`);
  const roleIds = (roleRefs as Record<string, unknown>[]).map((r) => {
    if (typeof r['id'] === 'string') return r['id'];
    const role = state.roleByName(r['name'] as string);
    if (!role) throw new ApiError(404, `Could not find role: ${String(r['name'])}.`);
    return role.id;
  });
  const project = state.projects.get(projectId) ?? fail(new ApiError(404, `Could not find project: ${projectId}.`));
  const held = state.withImpliedRoles(state.directRoleIds(auth.user.id, project.id));
  const missing = roleIds.find((id) => !held.includes(id));
  if (missing !== undefined) throw new ApiError(404, `Could not find role: ${missing}.`);
  const now = Date.now();
  const expiresAt = expiresAtInput === null ? null : Date.parse(expiresAtInput);
  if (expiresAt !== null && expiresAt <= now)
    throw badRequest("Invalid input for field 'expires_at': the expiration time must be in the future.");
  if (auth.token.trustId !== null) {
    // Creating a trust with a trust-scoped token is redelegation: refused unless the source trust allows it, and the
    // simulator does not simulate redelegation chains at all.
    const source = state.trusts.get(auth.token.trustId);
    throw new ApiError(
      403,
      source?.redelegationCount
        ? 'Redelegation (a trust created with a trust-scoped token) is not simulated.'
        : `Remaining redelegation depth of 0 out of allowed range of [0..${MAX_REDELEGATION_COUNT}].`,
    );
  }
  let redelegationCount = 0;
  if (allowRedelegation && requestedCount !== 0) {
    redelegationCount = requestedCount ?? MAX_REDELEGATION_COUNT;
    if (redelegationCount > MAX_REDELEGATION_COUNT) {
      throw new ApiError(403, `Requested redelegation depth of ${redelegationCount} is greater than allowed ${MAX_REDELEGATION_COUNT}.`);
    }
  }
  const trust: Trust = {
    id: randomBytes(16).toString('hex'),
    trustorUserId: auth.user.id,
    trusteeUserId: trustee.id,
    projectId: project.id,
    roleIds: [...new Set(roleIds)],
    impersonation: input['impersonation'] as boolean,
    expiresAt,
    redelegationCount,
    remainingUses,
  };
  state.trusts.set(trust.id, trust);
  return { status: 201, body: { trust: trustView(call, trust, true) } };
}

/**
 * `GET /v3/OS-TRUST/trusts`: with `?trustor_user_id=` or `?trustee_user_id=` naming the caller (or any, for an
 * admin); without a filter, admins only. Listed without roles, as Keystone does; expired and used-up trusts are left out.
 */
function listTrusts(call: IdentityCall): SimResponse {
  const auth = caller(call);
  const { query } = call.ctx;
  const trustor = query.get('trustor_user_id');
  const trustee = query.get('trustee_user_id');
  if (trustor !== null) {
    if (!auth.isAdmin && trustor !== auth.user.id) throw forbidden('identity:list_trusts_for_trustor');
  } else if (trustee !== null) {
    if (!auth.isAdmin && trustee !== auth.user.id) throw forbidden('identity:list_trusts_for_trustee');
  } else if (!auth.isAdmin) {
    throw forbidden('identity:list_trusts');
  }
  const now = Date.now();
  const trusts = [...call.sim.state.trusts.keys()]
    .map((id) => call.sim.state.liveTrust(id, now))
    .filter((t): t is Trust => t !== undefined)
    .filter((t) => (trustor === null || t.trustorUserId === trustor) && (trustee === null || t.trusteeUserId === trustee));
  return { status: 200, body: { trusts: trusts.map((t) => trustView(call, t, false)), links: links(call.ctx) } };
}

/** The `:id` trust; an unknown, deleted, expired or used-up one is 404 (before any policy check, as in Keystone). */
function liveTrust(call: IdentityCall): Trust {
  const { id } = call.params;
  return call.sim.state.liveTrust(id, Date.now()) ?? fail(trustNotFound(id));
}

/** The `:id` trust, for its trustor, its trustee or an admin; 403 for anyone else. */
function relatedTrust(call: IdentityCall, action: string): Trust {
  const auth = caller(call);
  const trust = liveTrust(call);
  if (!auth.isAdmin && auth.user.id !== trust.trustorUserId && auth.user.id !== trust.trusteeUserId) throw forbidden(action);
  return trust;
}

/** Keystone refuses trust management to restricted application credentials' tokens (all of the simulator's are). */
function refuseRestricted(auth: AuthContext, action: string): void {
  if (!auth.isAdmin && auth.token.applicationCredentialId !== null) {
    throw forbidden(`Using method 'application_credential' is not allowed for managing trusts (${action})`);
  }
}

function trustNotFound(id: string): ApiError {
  return new ApiError(404, `Could not find trust: ${id}.`);
}

/** As Keystone shows a trust; `roles` and `roles_links` only for a single one (create, get). */
function trustView(call: IdentityCall, t: Trust, withRoles: boolean): Record<string, unknown> {
  const self = `${call.ctx.baseUrl}/identity/v3/OS-TRUST/trusts/${t.id}`;
  const view: Record<string, unknown> = {
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    expires_at: t.expiresAt === null ? null : isoMicros(t.expiresAt),
    remaining_uses: t.remainingUses,
    redelegation_count: t.redelegationCount,
    // Always null here (deleted trusts answer 404; redelegation chains are not simulated), as the real Zed shows them.
    redelegated_trust_id: null,
    deleted_at: null,
    links: { self },
  };
  if (withRoles) {
    view['roles'] = t.roleIds.filter((id) => call.sim.state.roles.has(id)).map((id) => fullRole(call, id));
    view['roles_links'] = { self: `${self}/roles`, next: null, previous: null };
  }
  return view;
}

/** A role with its `links`, as Keystone wraps a member. */
function fullRole(call: IdentityCall, id: string): Record<string, unknown> {
  return { ...roleView(call, id), links: { self: `${call.ctx.baseUrl}/identity/v3/roles/${id}` } };
}

function projectView(ctx: RequestContext, p: Project): unknown {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: true,
    parent_id: p.domainId,
    is_domain: false,
    tags: [],
    options: {},
    links: { self: `${ctx.baseUrl}/identity/v3/projects/${p.id}` },
  };
}

/** Keystone shows `email` and `default_project_id` only when they are set. */
function userView(ctx: RequestContext, u: User): unknown {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: true,
    ...(u.email === null ? {} : { email: u.email }),
    ...(u.defaultProjectId === null ? {} : { default_project_id: u.defaultProjectId }),
    password_expires_at: null,
    options: {},
    links: { self: `${ctx.baseUrl}/identity/v3/users/${u.id}` },
  };
}

/** Keystone's collection links: the request itself (query included), no paging. */
function links(ctx: RequestContext): unknown {
  return { self: selfUrl(ctx), previous: null, next: null };
}

function selfUrl(ctx: RequestContext): string {
  const query = ctx.query.toString();
  return `${ctx.baseUrl}${ctx.path}${query ? `?${query}` : ''}`;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

/** Keystone's wording for a missing required field. */
function expecting(attribute: string, target: string): ApiError {
  return badRequest(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );
}

/** Keystone's schema validation failure. */
function invalidField(name: string): ApiError {
  return badRequest(`Invalid input for field '${name}'.`);
}

function forbidden(action: string): ApiError {
  return new ApiError(403, `You are not authorized to perform the requested action: ${action}.`);
}

function fail(error: ApiError): never {
  throw error;
}
