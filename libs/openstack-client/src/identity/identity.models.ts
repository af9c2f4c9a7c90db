import type { CloudAuth } from '../config/cloud-config';
import {
  arrayField,
  asObject,
  date,
  field,
  isObject,
  MalformedResponse,
  optDate,
  optNum,
  optStr,
  parseTimestamp,
  str,
  stringArray,
  type JsonObject,
} from '../http/json';

export interface DomainRef {
  id: string;
  name?: string;
}

export interface ProjectRef {
  id: string;
  name: string;
  domain?: DomainRef;
}

export interface UserRef {
  id: string;
  name: string;
  domain?: DomainRef;
}

export interface RoleRef {
  id: string;
  name: string;
}

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** What Keystone says about a token (from `POST` or `GET /v3/auth/tokens`). */
export interface TokenInfo {
  expiresAt: Date;
  issuedAt?: Date;
  /** `password`, `application_credential`, `token`... */
  methods: string[];
  user: UserRef;
  /** Absent for an unscoped token. */
  project?: ProjectRef;
  roles: RoleRef[];
  /** Empty when asked without catalog. */
  catalog: CatalogService[];
  applicationCredential?: { id: string; name?: string; restricted?: boolean };
  /** Present on a trust-scoped token. With `impersonation`, `user` is the trustor; otherwise the trustee. */
  trust?: TokenTrust;
}

/** The `OS-TRUST:trust` block of a trust-scoped token. */
export interface TokenTrust {
  id: string;
  impersonation: boolean;
  trusteeUserId: string;
  trustorUserId: string;
}

/** A freshly issued token and what comes with it. The token is a secret: never log it. */
export interface AuthResult extends TokenInfo {
  token: string;
}

/** A console login: a user's own credentials, optionally scoped to a project. */
export interface PasswordLogin {
  username: string;
  password: string;
  /** Defaults to `Default`. */
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  /** Defaults to the user's domain when `projectName` is given. */
  projectDomainName?: string;
  projectDomainId?: string;
}

export function parseTokenBody(body: unknown): TokenInfo {
  const token = field(body, 'token', 'body');
  const user = asUser(token['user']);
  const project = isObject(token['project']) ? asProject(token['project']) : undefined;
  const roles = Array.isArray(token['roles'])
    ? token['roles'].filter(isObject).map((r) => ({ id: str(r, 'id', 'role'), name: str(r, 'name', 'role') }))
    : [];
  const catalog = Array.isArray(token['catalog']) ? token['catalog'].filter(isObject).map(asCatalogService) : [];
  const appCred = isObject(token['application_credential']) ? token['application_credential'] : undefined;
  const trust = isObject(token['OS-TRUST:trust']) ? token['OS-TRUST:trust'] : undefined;
  return {
    expiresAt: date(token, 'expires_at', 'token'),
    issuedAt: optDate(token, 'issued_at', 'token'),
    methods: stringArray(token, 'methods'),
    user,
    project,
    roles,
    catalog,
    applicationCredential: appCred
      ? {
          id: str(appCred, 'id', 'token.application_credential'),
          name: optStr(appCred, 'name'),
          restricted: typeof appCred['restricted'] === 'boolean' ? appCred['restricted'] : undefined,
        }
      : undefined,
    trust: trust
      ? {
          id: str(trust, 'id', 'token.OS-TRUST:trust'),
          impersonation: trust['impersonation'] === true,
          trusteeUserId: str(field(trust, 'trustee_user', 'token.OS-TRUST:trust'), 'id', 'token.OS-TRUST:trust.trustee_user'),
          trustorUserId: str(field(trust, 'trustor_user', 'token.OS-TRUST:trust'), 'id', 'token.OS-TRUST:trust.trustor_user'),
        }
      : undefined,
  };
}

function asDomain(value: unknown): DomainRef | undefined {
  if (!isObject(value)) return undefined;
  const id = optStr(value, 'id');
  return id === undefined ? undefined : { id, name: optStr(value, 'name') };
}

function asUser(value: unknown): UserRef {
  if (!isObject(value)) throw new MalformedResponse('token.user is not an object');
  return { id: str(value, 'id', 'token.user'), name: str(value, 'name', 'token.user'), domain: asDomain(value['domain']) };
}

function asProject(value: JsonObject): ProjectRef {
  return { id: str(value, 'id', 'token.project'), name: str(value, 'name', 'token.project'), domain: asDomain(value['domain']) };
}

function asCatalogService(value: JsonObject): CatalogService {
  const endpoints = arrayField(value, 'endpoints', 'catalog entry')
    .filter(isObject)
    .map((e) => ({
      id: optStr(e, 'id'),
      interface: str(e, 'interface', 'endpoint'),
      // Keystone sends both; `region` is the legacy name and may be null in regionless catalogs.
      region: optStr(e, 'region_id') ?? optStr(e, 'region'),
      url: str(e, 'url', 'endpoint'),
    }));
  return { type: str(value, 'type', 'catalog entry'), name: optStr(value, 'name'), endpoints };
}

/**
 * The `POST /v3/auth/tokens` body for the configured service account; with `trustId`, scoped to that trust instead of
 * the configured project (password accounts only: an application credential cannot change its scope).
 */
export function buildServiceAuthBody(auth: CloudAuth, trustId?: string): JsonObject {
  if (auth.type === 'applicationCredential') {
    const credential: JsonObject = { secret: auth.applicationCredentialSecret };
    if (auth.applicationCredentialId) credential['id'] = auth.applicationCredentialId;
    else {
      credential['name'] = auth.applicationCredentialName;
      credential['user'] = userIdentity(auth.userId, auth.username, auth.userDomainId, auth.userDomainName);
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  if (auth.type === 'token') {
    const identity = { methods: ['token'], token: { id: auth.token } };
    const project = projectScope(auth);
    return { auth: project ? { identity, scope: { project } } : { identity } };
  }
  const user = { ...userIdentity(auth.userId, auth.username, auth.userDomainId, auth.userDomainName), password: auth.password };
  if (trustId !== undefined) {
    return { auth: { identity: { methods: ['password'], password: { user } }, scope: { 'OS-TRUST:trust': { id: trustId } } } };
  }
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project: projectScope(auth) ?? {} } } };
}

function projectScope(auth: {
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
}): JsonObject | undefined {
  if (auth.projectId) return { id: auth.projectId };
  if (!auth.projectName) return undefined;
  return { name: auth.projectName, domain: auth.projectDomainId ? { id: auth.projectDomainId } : { name: auth.projectDomainName } };
}

/**
 * A tool's login with an application credential (by id, or by name and its owner). Keystone scopes the token to
 * the credential's project with the credential's roles; no other scope may be asked for.
 */
export interface ApplicationCredentialLogin {
  applicationCredentialId?: string;
  /** With `username` (+ domain) or `userId`, when no id is given. */
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
  username?: string;
  userId?: string;
  /** Defaults to `Default`. */
  userDomainName?: string;
  userDomainId?: string;
}

export function isApplicationCredentialLogin(login: PasswordLogin | ApplicationCredentialLogin): login is ApplicationCredentialLogin {
  return 'applicationCredentialSecret' in login;
}

/** The `POST /v3/auth/tokens` body for a user logging in to the console, or a tool with an application credential. */
export function buildLoginBody(login: PasswordLogin | ApplicationCredentialLogin): JsonObject {
  if (isApplicationCredentialLogin(login)) {
    const credential: JsonObject = { secret: login.applicationCredentialSecret };
    if (login.applicationCredentialId) credential['id'] = login.applicationCredentialId;
    else {
      credential['name'] = login.applicationCredentialName;
      credential['user'] = userIdentity(login.userId, login.username, login.userDomainId, login.userDomainName ?? 'Default');
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  const userDomain = login.userDomainId ? { id: login.userDomainId } : { name: login.userDomainName ?? 'Default' };
  const user = { name: login.username, domain: userDomain, password: login.password };
  const body: JsonObject = { identity: { methods: ['password'], password: { user } } };
  if (login.projectId) body['scope'] = { project: { id: login.projectId } };
  else if (login.projectName) {
    const domain = login.projectDomainId
      ? { id: login.projectDomainId }
      : login.projectDomainName
        ? { name: login.projectDomainName }
        : userDomain;
    body['scope'] = { project: { name: login.projectName, domain } };
  }
  return { auth: body };
}

function userIdentity(userId?: string, username?: string, domainId?: string, domainName?: string): JsonObject {
  if (userId) return { id: userId };
  return { name: username, domain: domainId ? { id: domainId } : { name: domainName } };
}

/** A Keystone trust (OS-TRUST): the trustor delegates roles on a project to the trustee. */
export interface Trust {
  id: string;
  trustorUserId: string;
  trusteeUserId: string;
  /** `null` for a project-less trust. */
  projectId: string | null;
  impersonation: boolean;
  /** `null`: never expires. */
  expiresAt: Date | null;
  /** `null`: unlimited; each trust-scoped token uses one. */
  remainingUses: number | null;
  /** How deep the trust may be redelegated (0: not at all); absent when Keystone does not say. */
  redelegationCount?: number;
  /** The delegated roles; empty in listings (Keystone lists trusts without their roles). */
  roles: RoleRef[];
}

/** What `identity.createTrust` needs. */
export interface CreateTrustInput {
  /** Must be the user of the token the trust is created with: only the trustor may create a trust. */
  trustorUserId: string;
  trusteeUserId: string;
  projectId: string;
  /** Role names; the trustor must hold each on the project (Keystone answers 404 "Could not find role" otherwise). */
  roles: string[];
  /** Whether trust-scoped tokens act as the trustor (`user` = trustor) rather than as the trustee. */
  impersonation: boolean;
  /** `null` or absent: never expires. */
  expiresAt?: Date | null;
}

/** `identity.listTrusts` filter; without one, Keystone lists every trust to admins only. */
export interface ListTrustsFilter {
  trustorUserId?: string;
  trusteeUserId?: string;
}

export function buildCreateTrustBody(input: CreateTrustInput): JsonObject {
  const trust: JsonObject = {
    trustor_user_id: input.trustorUserId,
    trustee_user_id: input.trusteeUserId,
    project_id: input.projectId,
    roles: input.roles.map((name) => ({ name })),
    impersonation: input.impersonation,
  };
  if (input.expiresAt) trust['expires_at'] = input.expiresAt.toISOString();
  return { trust };
}

/** `{"trust": {...}}` from create or get. */
export function parseTrustBody(body: unknown): Trust {
  return asTrust(field(body, 'trust', 'body'), 'trust');
}

/** `{"trusts": [...]}` from a listing. */
export function parseTrustList(body: unknown): Trust[] {
  return arrayField(asObject(body, 'body'), 'trusts', 'body').map((t, i) => {
    if (!isObject(t)) throw new MalformedResponse(`trusts[${i}] is not an object`);
    return asTrust(t, `trusts[${i}]`);
  });
}

function asTrust(t: JsonObject, what: string): Trust {
  const expires = t['expires_at'];
  if (expires !== null && expires !== undefined && typeof expires !== 'string')
    throw new MalformedResponse(`${what}.expires_at is not a string`);
  if (typeof t['impersonation'] !== 'boolean') throw new MalformedResponse(`${what}.impersonation is not a boolean`);
  const roles = Array.isArray(t['roles'])
    ? t['roles'].filter(isObject).map((r) => ({ id: str(r, 'id', `${what}.roles[]`), name: str(r, 'name', `${what}.roles[]`) }))
    : [];
  return {
    id: str(t, 'id', what),
    trustorUserId: str(t, 'trustor_user_id', what),
    trusteeUserId: str(t, 'trustee_user_id', what),
    projectId: optStr(t, 'project_id') ?? null,
    impersonation: t['impersonation'],
    expiresAt: typeof expires === 'string' ? parseTimestamp(expires, `${what}.expires_at`) : null,
    remainingUses: optNum(t, 'remaining_uses') ?? null,
    redelegationCount: optNum(t, 'redelegation_count'),
    roles,
  };
}
