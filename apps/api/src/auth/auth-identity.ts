import type { TokenInfo } from '@peak/openstack-client';

/** Who a validated Keystone token speaks for: what the guard checks and `GET /v1/auth/tokens` shows. */
export interface AuthIdentity {
  user: { id: string; name: string; domain?: { id: string; name?: string } };
  /** Absent for an unscoped token (which has no roles either). */
  project?: { id: string; name: string; domain?: { id: string; name?: string } };
  /** Role names, lower case, implied roles included as Keystone lists them. */
  roles: string[];
  expiresAt: Date;
  /** How the token was obtained: `password`, `application_credential`, `token`... */
  methods: string[];
  applicationCredentialId?: string;
}

export function identityOf(info: TokenInfo): AuthIdentity {
  return {
    user: { id: info.user.id, name: info.user.name, ...(info.user.domain && { domain: { ...info.user.domain } }) },
    ...(info.project && {
      project: { id: info.project.id, name: info.project.name, ...(info.project.domain && { domain: { ...info.project.domain } }) },
    }),
    roles: [...new Set(info.roles.map((role) => role.name.toLowerCase()))].sort(),
    expiresAt: info.expiresAt,
    methods: [...info.methods],
    ...(info.applicationCredential && { applicationCredentialId: info.applicationCredential.id }),
  };
}
