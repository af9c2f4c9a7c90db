import type { CloudAuth } from '../config/cloud-config';
import { arrayField, date, field, isObject, MalformedResponse, optDate, optStr, str, stringArray, type JsonObject } from '../http/json';

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

/** The `POST /v3/auth/tokens` body for the configured service account. */
export function buildServiceAuthBody(auth: CloudAuth): JsonObject {
  if (auth.type === 'applicationCredential') {
    const credential: JsonObject = { secret: auth.applicationCredentialSecret };
    if (auth.applicationCredentialId) credential['id'] = auth.applicationCredentialId;
    else {
      credential['name'] = auth.applicationCredentialName;
      credential['user'] = userIdentity(auth.userId, auth.username, auth.userDomainId, auth.userDomainName);
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  const user = { ...userIdentity(auth.userId, auth.username, auth.userDomainId, auth.userDomainName), password: auth.password };
  const project: JsonObject = auth.projectId
    ? { id: auth.projectId }
    : { name: auth.projectName, domain: auth.projectDomainId ? { id: auth.projectDomainId } : { name: auth.projectDomainName } };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } };
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
