import type { AuthIdentity } from './auth-identity';
import type { IssuedTokenDto, KeystoneRefDto, TokenInfoDto, TokenPermissionsDto } from './dto/token.dto';

function mapRef(ref: { id: string; name: string; domainId: string | null; domainName: string | null }): KeystoneRefDto {
  return {
    id: ref.id,
    name: ref.name,
    ...(ref.domainId !== null && { domainId: ref.domainId }),
    ...(ref.domainName !== null && { domainName: ref.domainName }),
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
