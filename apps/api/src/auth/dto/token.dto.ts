import { ApiProperty } from '@nestjs/swagger';

/** A Keystone user or project, with its domain. */
export class KeystoneRefDto {
  /** Keystone id. */
  id!: string;

  name!: string;

  /** Id of its domain, e.g. `default`. */
  domainId?: string;

  /** Name of its domain, e.g. `Default`. */
  domainName?: string;
}

/**
 * What the token allows on this API, under the configured roles (`AUTH_READ_ROLES`, `AUTH_WRITE_ROLES`,
 * `AUTH_ADMIN_PROJECTS`): on its own project, or on every project for a cloud admin.
 */
export class TokenPermissionsDto {
  /** May list and read schedules, runs and the catalog (of its own project, or of every project for a cloud admin). */
  read!: boolean;

  /** May create, change and delete schedules (and so make the API create and destroy VMs) in its own project, or in every project for a cloud admin. */
  write!: boolean;

  /** `admin` on one of `AUTH_ADMIN_PROJECTS`: reads and writes every project's schedules. */
  cloudAdmin!: boolean;
}

/** A Keystone token as Keystone described it to the API. */
export class TokenInfoDto {
  /** When Keystone stops accepting the token (UTC). */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  user!: KeystoneRefDto;

  /** The project the token is scoped to; absent for a domain-, system-scoped or unscoped token. */
  project?: KeystoneRefDto;

  /** Role names on the project, implied roles included (`admin` implies `member` implies `reader`). */
  roles!: string[];

  /** How the token was obtained: `password`, `application_credential`, `token`... */
  methods!: string[];

  permissions!: TokenPermissionsDto;
}

/** A token Keystone just issued, and what comes with it. */
export class IssuedTokenDto extends TokenInfoDto {
  /** The Keystone token: send it as `X-Auth-Token` (or `Authorization: Bearer`). A secret: keep it in memory. */
  token!: string;
}
