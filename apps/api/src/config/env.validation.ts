import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/**
 * Every environment variable the API reads, validated once at boot so a typo fails fast
 * with the variable's name instead of surfacing later as a confusing runtime error.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  /** postgres://user:pass@host:port/db; when absent the embedded PostgreSQL (PGlite) is used. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @IsBoolean()
  @Transform(toBool)
  DATABASE_SSL?: boolean;

  /** Where the embedded PostgreSQL keeps its files (default ./.data/pglite). */
  @IsOptional()
  @IsString()
  EMBEDDED_DB_DIR?: string;

  @IsOptional()
  @IsBoolean()
  @Transform(toBool)
  DATABASE_MIGRATIONS_RUN?: boolean;
}

export function validateEnvironment(config: Record<string, unknown>): Record<string, unknown> {
  const validated = plainToInstance(EnvironmentVariables, config, { enableImplicitConversion: true });
  const errors = validateSync(validated, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return { ...config, ...validated };
}
