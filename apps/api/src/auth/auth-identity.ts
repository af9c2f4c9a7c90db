import { ForbiddenException } from '@nestjs/common';
import type { DomainRef, TokenInfo } from '@peak/openstack-client';
import type { ApiErrorDto } from '../common/api-error.dto';
import { type AuthPolicy, canRead, canWrite, denialOf, isCloudAdmin, type TokenFacts, type TokenScope } from './auth-policy';

/**
 * Who a validated Keystone token speaks for, and what it may do here: what the guard checks, what
 * `GET /v1/auth/tokens` shows, and what services ask (`identity.canWrite(schedule.projectId)`).
 */
export interface AuthIdentity extends TokenFacts {
  readonly user: { readonly id: string; readonly name: string; readonly domainId: string | null; readonly domainName: string | null };
  /** The token's project; null for domain-, system-scoped and unscoped tokens. */
  readonly project: {
    readonly id: string;
    readonly name: string;
    readonly domainId: string | null;
    readonly domainName: string | null;
  } | null;
  readonly scope: TokenScope;
  /** Role names on the scope, lower case, implied roles included as Keystone lists them. */
  readonly roles: readonly string[];
  /** A trust-scoped token (`OS-TRUST:trust`): someone else's delegation. */
  readonly isTrust: boolean;
  /** Obtained with an application credential (`methods` includes `application_credential`). */
  readonly isApplicationCredential: boolean;
  /** The credential's id when Keystone names it (`token.application_credential.id`). */
  readonly applicationCredentialId: string | null;
  readonly expiresAt: Date;
  /** How the token was obtained: `password`, `application_credential`, `token`... */
  readonly methods: readonly string[];
  /** `admin` on one of `AUTH_ADMIN_PROJECTS` (or, when allowed, on a domain or the system): reads and writes every project. */
  readonly isCloudAdmin: boolean;
  /** A read role on `projectId` itself, or a cloud admin. */
  canRead(projectId: string): boolean;
  /** A write role on `projectId` itself, or a cloud admin. */
  canWrite(projectId: string): boolean;
  /** Why `canRead`/`canWrite` is false, for a 403; undefined when it is true. */
  denial(access: 'read' | 'write', projectId: string): string | undefined;
}

/**
 * What the client does not parse (yet) but Keystone sends: the domain of a domain-scoped token, `system` of a
 * system-scoped one, `OS-TRUST:trust`. Read when present; see `scopeOf` for what happens without them.
 */
export interface KeystoneScopeExtras {
  scopeDomain?: DomainRef;
  system?: boolean;
  trustId?: string;
}

/**
 * The scope kind. A project makes `project`. Without one, the client's `TokenInfo` does not say today whether the
 * token was domain- or system-scoped: a token with roles but no project counts as `domain` (both are refused
 * unless allowed; `system` needs the client to report it), one without roles as `unscoped`.
 */
export function scopeOf(info: TokenInfo & KeystoneScopeExtras): TokenScope {
  if (info.project) return 'project';
  if (info.system === true) return 'system';
  if (info.scopeDomain !== undefined || info.roles.length > 0) return 'domain';
  return 'unscoped';
}

export function identityOf(info: TokenInfo & KeystoneScopeExtras, policy: AuthPolicy): AuthIdentity {
  const scope = scopeOf(info);
  const facts: TokenFacts = {
    scope,
    project:
      scope === 'project' && info.project
        ? {
            id: info.project.id,
            name: info.project.name,
            domainId: info.project.domain?.id ?? null,
            domainName: info.project.domain?.name ?? null,
          }
        : null,
    roles: [...new Set(info.roles.map((role) => role.name.toLowerCase()))].sort(),
  };
  return {
    ...facts,
    user: { id: info.user.id, name: info.user.name, domainId: info.user.domain?.id ?? null, domainName: info.user.domain?.name ?? null },
    isTrust: info.trustId !== undefined,
    isApplicationCredential: info.methods.includes('application_credential'),
    applicationCredentialId: info.applicationCredential?.id ?? null,
    expiresAt: info.expiresAt,
    methods: [...info.methods],
    isCloudAdmin: isCloudAdmin(facts, policy),
    canRead: (projectId) => canRead(facts, policy, projectId),
    canWrite: (projectId) => canWrite(facts, policy, projectId),
    denial: (access, projectId) => denialOf(facts, policy, access, projectId),
  };
}

/** A 403 in the API's error shape, for a project-level check a service makes. */
export class ProjectAccessDenied extends ForbiddenException {
  constructor(message: string) {
    super({ statusCode: 403, error: 'Forbidden', message } satisfies ApiErrorDto);
  }
}

/**
 * Throws a 403 unless the caller may read `projectId`'s things, e.g. `assertCanRead(identity, schedule.projectId)`;
 * the message says why ("project X: your token is scoped to project Y ...", "... needs one of reader, member, admin").
 */
export function assertCanRead(identity: AuthIdentity, projectId: string): void {
  const why = identity.denial('read', projectId);
  if (why !== undefined) throw new ProjectAccessDenied(why);
}

/** Throws a 403 unless the caller may change `projectId`'s things (see {@link assertCanRead}). */
export function assertCanWrite(identity: AuthIdentity, projectId: string): void {
  const why = identity.denial('write', projectId);
  if (why !== undefined) throw new ProjectAccessDenied(why);
}
