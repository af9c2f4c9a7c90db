import type { IssuedTokenDto } from '@peak/api-client';

/** A session as the API's login returns it, valid for an hour unless told otherwise. */
export function issuedToken(overrides: Partial<IssuedTokenDto> = {}): IssuedTokenDto {
  return {
    token: 'gAAAAABtoken-admin',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u-admin', name: 'admin', domainId: 'default', domainName: 'Default' },
    project: { id: 'p-admin', name: 'admin', domainId: 'default', domainName: 'Default' },
    roles: ['admin', 'member', 'reader'],
    methods: ['password'],
    permissions: { read: true, write: true, cloudAdmin: true },
    ...overrides,
  };
}
