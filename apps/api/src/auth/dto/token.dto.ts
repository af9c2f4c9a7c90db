import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A Keystone user or project, with its domain. */
export class KeystoneRefDto {
  /** Keystone id. */
  @ApiProperty({ example: '9a8b7c6d5e4f40318e2d1c0b9a8f7e6d' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  name!: string;

  /** Id of its domain, e.g. `default`. */
  @ApiPropertyOptional({ example: 'default' })
  domainId?: string;

  /** Name of its domain, e.g. `Default`. */
  @ApiPropertyOptional({ example: 'Default' })
  domainName?: string;
}

/**
 * What the token allows on this API, under the configured roles (`AUTH_READ_ROLES`, `AUTH_WRITE_ROLES`,
 * `AUTH_ADMIN_PROJECTS`): on its own project, or on every project for a cloud admin.
 */
export class TokenPermissionsDto {
  /** May list and read schedules, runs and the catalog (of its own project, or of every project for a cloud admin). */
  @ApiProperty({ example: true })
  read!: boolean;

  /** May create, change and delete schedules (and so make the API create and destroy VMs) in its own project, or in every project for a cloud admin. */
  @ApiProperty({ example: true })
  write!: boolean;

  /** `admin` on one of `AUTH_ADMIN_PROJECTS`: reads and writes every project's schedules. */
  @ApiProperty({ example: false })
  cloudAdmin!: boolean;
}

/** A Keystone token as Keystone described it to the API. */
export class TokenInfoDto {
  /** When Keystone stops accepting the token (UTC). */
  @ApiProperty({ format: 'date-time', example: '2026-05-04T18:50:00.000Z' })
  expiresAt!: string;

  user!: KeystoneRefDto;

  /** The project the token is scoped to; absent for a domain-, system-scoped or unscoped token. */
  project?: KeystoneRefDto;

  /** Role names on the project, implied roles included (`admin` implies `member` implies `reader`). */
  @ApiProperty({ example: ['member', 'reader'] })
  roles!: string[];

  /** How the token was obtained: `password`, `application_credential`, `token`... */
  @ApiProperty({ example: ['password'] })
  methods!: string[];

  permissions!: TokenPermissionsDto;
}

/** A token Keystone just issued, and what comes with it. */
export class IssuedTokenDto extends TokenInfoDto {
  /** The Keystone token: send it as `X-Auth-Token` (or `Authorization: Bearer`). A secret: keep it in memory. */
  @ApiProperty({ example: 'gAAAAABn8xK2b7Q4cR1vTzJ0wE5mN9aHkLpF3sD6uY8iO2qW4eX7cV1bN0mZ5aS9dF3gH6jK8lP2oI4uY7tR1eW3q' })
  token!: string;
}
