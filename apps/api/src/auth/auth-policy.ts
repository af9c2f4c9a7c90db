/**
 * The API's authorization rules as pure functions (oslo.policy's defaults for OpenStack's secure-RBAC personas,
 * reduced to what a scheduler needs): a project `reader` reads its own project, a project `member` also writes
 * it, a cloud admin (`admin` on one of `AUTH_ADMIN_PROJECTS`) reads and writes every project. No I/O, no Nest:
 * `AuthIdentity` calls them, tests call them with constructed tokens.
 */

/** What a token is scoped to, as Keystone says: `project`, `domain`, `system` (`{all: true}`) or none. */
export type TokenScope = 'project' | 'domain' | 'system' | 'unscoped';

/** A project in `AUTH_ADMIN_PROJECTS` / `AUTH_PROJECTS`: an id, or a name in one domain (given by name or id). */
export type ProjectRule = { readonly id: string } | { readonly name: string; readonly domain: string };

/** The configured rules (from `authConfig`, with the admin projects' default resolved). */
export interface AuthPolicy {
  /** Any one of them reads the token's own project (`AUTH_READ_ROLES`). */
  readonly readRoles: readonly string[];
  /** Any one of them writes the token's own project (`AUTH_WRITE_ROLES`). */
  readonly writeRoles: readonly string[];
  /** `admin` on one of these makes a cloud admin (`AUTH_ADMIN_PROJECTS`). */
  readonly adminProjects: readonly ProjectRule[];
  /** Domain-scoped tokens are refused unless true (`AUTH_ALLOW_DOMAIN_SCOPE`); then a domain `admin` is a cloud admin. */
  readonly allowDomainScope: boolean;
  /** System-scoped tokens are refused unless true (`AUTH_ALLOW_SYSTEM_SCOPE`); then a system `admin` is a cloud admin. */
  readonly allowSystemScope: boolean;
}

/** The facts of a token the rules look at. */
export interface TokenFacts {
  readonly scope: TokenScope;
  /** Set exactly when `scope` is `project`. */
  readonly project: {
    readonly id: string;
    readonly name: string;
    readonly domainId: string | null;
    readonly domainName: string | null;
  } | null;
  /** Lower-case role names on the scope, implied roles included. */
  readonly roles: readonly string[];
}

/** The role that makes a cloud admin on an admin project (or on an allowed domain or system scope). */
export const ADMIN_ROLE = 'admin';

/** Keystone's project ids: 32 hex digits (uuid4 without dashes), or a UUID with them. */
const PROJECT_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * One entry of `AUTH_ADMIN_PROJECTS` / `AUTH_PROJECTS`: a project id, or `name@domain` (the domain's name or id;
 * the last `@` splits). A bare name is refused: project names are unique only within a domain, so `admin` alone
 * would match every domain's `admin`.
 */
export function parseProjectRule(entry: string): { ok: true; value: ProjectRule } | { ok: false; reason: string } {
  const at = entry.lastIndexOf('@');
  if (at < 0) {
    return PROJECT_ID.test(entry)
      ? { ok: true, value: { id: entry } }
      : {
          ok: false,
          reason: `"${entry}" is neither a project id (32 hex digits) nor name@domain: a bare name would match that name in every domain`,
        };
  }
  const name = entry.slice(0, at).trim();
  const domain = entry.slice(at + 1).trim();
  if (name === '' || domain === '') return { ok: false, reason: `"${entry}" must be name@domain with both parts` };
  return { ok: true, value: { name, domain } };
}

/** Whether a project matches a rule: the same id, or the same name in the named domain (by its name or id). */
export function matchesProject(rule: ProjectRule, project: NonNullable<TokenFacts['project']>): boolean {
  if ('id' in rule) return normalId(rule.id) === normalId(project.id);
  return (
    rule.name === project.name && project.domainId !== null && (rule.domain === project.domainId || rule.domain === project.domainName)
  );
}

/** Keystone compares ids as it stores them; dashes and case are the only spellings that differ for one UUID. */
function normalId(id: string): string {
  return id.toLowerCase().replace(/-/g, '');
}

/** A rule as the operator wrote it, for messages. */
export function describeProjectRule(rule: ProjectRule): string {
  return 'id' in rule ? rule.id : `${rule.name}@${rule.domain}`;
}

const hasAny = (token: TokenFacts, roles: readonly string[]) => roles.some((role) => token.roles.includes(role));

/**
 * Whether the token may act on every project: `admin` on one of the admin projects, or (only when allowed) on a
 * domain or the system scope.
 */
export function isCloudAdmin(token: TokenFacts, policy: AuthPolicy): boolean {
  if (!token.roles.includes(ADMIN_ROLE)) return false;
  switch (token.scope) {
    case 'project':
      return (
        token.project !== null &&
        policy.adminProjects.some((rule) => matchesProject(rule, token.project as NonNullable<TokenFacts['project']>))
      );
    case 'domain':
      return policy.allowDomainScope;
    case 'system':
      return policy.allowSystemScope;
    case 'unscoped':
      return false;
  }
}

/** Whether the token may read `projectId`'s things: a read role on that very project, or a cloud admin. */
export function canRead(token: TokenFacts, policy: AuthPolicy, projectId: string): boolean {
  return isCloudAdmin(token, policy) || (ownsProject(token, projectId) && hasAny(token, policy.readRoles));
}

/** Whether the token may change `projectId`'s things: a write role on that very project, or a cloud admin. */
export function canWrite(token: TokenFacts, policy: AuthPolicy, projectId: string): boolean {
  return isCloudAdmin(token, policy) || (ownsProject(token, projectId) && hasAny(token, policy.writeRoles));
}

function ownsProject(token: TokenFacts, projectId: string): boolean {
  return token.scope === 'project' && token.project !== null && token.project.id === projectId;
}

/** Why `canRead`/`canWrite` said no, in words for a 403; undefined when it said yes. */
export function denialOf(token: TokenFacts, policy: AuthPolicy, access: 'read' | 'write', projectId: string): string | undefined {
  const allowed = access === 'read' ? canRead(token, policy, projectId) : canWrite(token, policy, projectId);
  if (allowed) return undefined;
  const roles = access === 'read' ? policy.readRoles : policy.writeRoles;
  const verb = access === 'read' ? 'reading' : 'changing';
  if (token.scope !== 'project' || token.project === null) {
    return `project ${projectId}: your token is ${token.scope === 'unscoped' ? 'not scoped' : `${token.scope}-scoped`}; ${verb} it needs a token scoped to that project`;
  }
  if (token.project.id !== projectId) {
    return (
      `project ${projectId}: your token is scoped to project ${token.project.name} (${token.project.id}); ` +
      `only a cloud admin (${ADMIN_ROLE} on an AUTH_ADMIN_PROJECTS project) may act on other projects`
    );
  }
  return `project ${token.project.name}: ${verb} it needs one of ${roles.join(', ')}; your token has ${describeRoles(token)}`;
}

export function describeRoles(token: TokenFacts): string {
  return token.roles.length > 0 ? token.roles.join(', ') : 'no role';
}
