import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';

/** Fields that make no sense with an application credential: Keystone scopes its token itself. */
const PASSWORD_FIELDS = ['username', 'password', 'userDomainName', 'projectName', 'projectDomainName'] as const;

/** Refuses an application credential sent together with a user name, a password or a scope. */
function AloneWithoutPasswordFields(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'aloneWithoutPasswordFields',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must not be combined with username, password, domains or a project', ...options },
      validator: {
        validate: (_value: unknown, args) =>
          PASSWORD_FIELDS.every((field) => (args?.object as Record<string, unknown>)[field] === undefined),
      },
    });
}

const usesPassword = (dto: LoginDto) => dto.applicationCredentialId === undefined;

/**
 * A login, passed to Keystone as it is: a user's name and password (the console), optionally scoped to a
 * project, or an application credential (tools). The API keeps none of it.
 */
export class LoginDto {
  /** Keystone user name; required unless `applicationCredentialId` is given. */
  @ValidateIf(usesPassword)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'alice' })
  username?: string;

  /** The user's password. Sent to Keystone only; never stored or logged. */
  @ApiPropertyOptional({ format: 'password', writeOnly: true, example: 'correct-horse-battery-staple' })
  @ValidateIf(usesPassword)
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  password?: string;

  /** Domain of the user (default `Default`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'Default' })
  userDomainName?: string;

  /** Project to scope the token to, e.g. `admin`; without it Keystone picks the user's default project. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'analytics' })
  projectName?: string;

  /** Domain of the project (default: the user's domain). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'Default' })
  projectDomainName?: string;

  /** Id of an application credential, instead of a user name and password (tools, CI jobs). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: '$property must be a Keystone id' })
  @AloneWithoutPasswordFields()
  @ApiPropertyOptional({ example: '3c7e1f9a2b4d4e6f8a0b1c2d3e4f5a6b' })
  applicationCredentialId?: string;

  /** The application credential's secret; required with `applicationCredentialId`. Never stored or logged. */
  @ApiPropertyOptional({ format: 'password', writeOnly: true, example: 'Zm9yLWV4YW1wbGUtb25seS1ub3QtYS1zZWNyZXQ' })
  @ValidateIf((dto: LoginDto) => !usesPassword(dto))
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  applicationCredentialSecret?: string;
}
