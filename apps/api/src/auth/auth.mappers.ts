import type { AuthIdentity } from './auth-identity';
import type { IssuedTokenDto, KeystoneRefDto, TokenInfoDto, TokenPermissionsDto } from './dto/token.dto';

function mapRef(ref: { id: string; name: string; domain?: { id: string; name?: string } }): KeystoneRefDto {
  return {
    id: ref.id,
    name: ref.name,
    ...(ref.domain && { domainId: ref.domain.id }),
    ...(ref.domain?.name !== undefined && { domainName: ref.domain.name }),
  };
}

export function mapTokenInfo(identity: AuthIdentity, permissions: TokenPermissionsDto): TokenInfoDto {
  return {
    expiresAt: identity.expiresAt.toISOString(),
    user: mapRef(identity.user),
    ...(identity.project && { project: mapRef(identity.project) }),
    roles: [...identity.roles],
    methods: [...identity.methods],
    permissions,
  };
}

export function mapIssuedToken(token: string, identity: AuthIdentity, permissions: TokenPermissionsDto): IssuedTokenDto {
  return { token, ...mapTokenInfo(identity, permissions) };
}
