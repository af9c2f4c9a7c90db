import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CatalogQueryDto } from './catalog-query.dto';

export const QUOTA_RESOURCES = ['instances', 'cores', 'ramMiB', 'keyPairs', 'serverGroups'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

export class QuotasQueryDto extends CatalogQueryDto {
  /**
   * Another project's quotas: cloud admins only (anyone else may name only their token's project; another one is a 403).
   * Without it, the token's project.
   */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  projectId?: string;
}

/** One of Nova's absolute limits of a project, with what the project uses of it now. */
export class QuotaDto {
  /** `instances` (servers), `cores` (vCPUs), `ramMiB` (RAM in MiB), `keyPairs` (per user), `serverGroups`. */
  @ApiProperty({ enum: QUOTA_RESOURCES, enumName: 'QuotaResource', example: 'instances' })
  resource!: QuotaResource;

  /**
   * How much of it is in use now (servers count until their deletion ends). Null when Nova does not tell: key pairs
   * are counted per user, so only for the caller's own project (the caller's own key pairs).
   */
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, example: 3 })
  used!: number | null;

  /** The most the project may use; null means unlimited (Nova's -1). */
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, example: 10 })
  limit!: number | null;
}

/** A project's compute quotas: Nova's absolute limits and their usage. */
export class QuotasDto {
  /** The Keystone project they are of. */
  @ApiProperty({ example: 'c5f0e2ad8a3b4b6d9e4f1a2b3c4d5e6f' })
  projectId!: string;

  /** Always in this order: instances, cores, ramMiB, keyPairs, serverGroups. */
  @ApiProperty({ type: [QuotaDto] })
  quotas!: QuotaDto[];
}
