import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsEncodedUserData, IsServerMetadata, NotReserved } from './launch-validators';

/** Nova's server group policies (microversion 2.64 `policy`): hard ones fail a build that cannot be placed. */
export const SERVER_GROUP_POLICIES = ['anti-affinity', 'soft-anti-affinity', 'affinity', 'soft-affinity'] as const;
export type ServerGroupPolicy = (typeof SERVER_GROUP_POLICIES)[number];

/** Tags and metadata keys starting with this are the engine's own (how it finds its VMs): a user may not set them. */
export const RESERVED_PREFIX = 'peak-';

/** Nova's limit on tags per server, less the engine's four ownership tags. */
export const MAX_USER_TAGS = 46;
/** Nova's default `metadata_items` quota (128), less the engine's own keys and some room. */
export const MAX_USER_METADATA = 100;
/** Nova's limit on `user_data`, once base64-encoded. */
export const MAX_USER_DATA_BYTES = 65_535;

/** Where the run's VMs go relative to each other: a server group made for each run, or an existing one. */
export class ServerGroupOptionDto {
  /** Make a server group with this policy for each run (named after the run), and delete it after the run. */
  @ApiProperty({ enum: SERVER_GROUP_POLICIES, required: false, example: 'anti-affinity' })
  @IsOptional()
  @IsIn(SERVER_GROUP_POLICIES)
  policy?: ServerGroupPolicy;

  /** Or put the VMs in this existing server group of the project (id). Give `policy` or `id`, not both. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @ApiPropertyOptional({ example: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b' })
  id?: string;
}

/** Boot from a new volume made from the image (for flavors without a local disk), as `--boot-from-volume`. */
export class BootVolumeDto {
  /** Size of the boot volume in GiB (1-16384); at least the image's minimum disk. */
  @ApiProperty({ type: 'integer', example: 20 })
  @IsInt()
  @Min(1)
  @Max(16_384)
  sizeGiB!: number;

  /** Cinder volume type (name); the cloud's default type when left out. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @ApiPropertyOptional({ example: 'ssd' })
  volumeType?: string;

  /** Delete the volume with its VM (default true; false keeps it after the window, in the project's quota). */
  @ApiProperty({ required: false, default: true, example: true })
  @IsOptional()
  @IsBoolean()
  deleteOnTermination?: boolean;
}

/**
 * How the VMs launch, as `openstack server create` would: every field optional, each checked against the cloud
 * (with the caller's token) before the schedule is saved. A change applies from the next window on: a live run keeps
 * the options it started with.
 */
export class LaunchOptionsDto {
  /** A key pair of the schedule's creator, injected into the VMs (`--key-name`). */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @ApiPropertyOptional({ example: 'alice-laptop' })
  keyName?: string;

  /** Security groups of the project, by name or id (`--security-group`); the project's `default` when left out. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  @ApiPropertyOptional({ example: ['default'] })
  securityGroups?: string[];

  /**
   * Cloud-init user data as plain text (`--user-data`); the API base64-encodes it. At most 65,535 bytes once
   * encoded, as Nova enforces (about 49,000 bytes of text).
   */
  @IsOptional()
  @IsString()
  @IsEncodedUserData(MAX_USER_DATA_BYTES)
  @ApiPropertyOptional({ example: '#cloud-config\npackage_update: true\npackages: [htop]\n' })
  userData?: string;

  /**
   * Server metadata (`--property`): string keys (1-255 characters) and values (up to 255), at most 100. Keys starting
   * with `peak-` are the engine's own.
   */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { role: 'worker' } })
  @IsOptional()
  @IsObject()
  @IsServerMetadata(MAX_USER_METADATA, RESERVED_PREFIX)
  metadata?: Record<string, string>;

  /** Extra server tags (`--tag`): 1-60 characters without `,` or `/`, at most 46; `peak-...` tags are the engine's own. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_USER_TAGS)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  @Matches(/^[^,/]+$/, { each: true, message: '$property must not contain "," or "/"' })
  @NotReserved(RESERVED_PREFIX, { each: true })
  @ApiPropertyOptional({ example: ['analytics'] })
  tags?: string[];

  /** The availability zone of every VM (`--availability-zone`). Not with `spreadAcrossZones`. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @ApiPropertyOptional({ example: 'nova' })
  availabilityZone?: string;

  /** Place the run's VMs round-robin over the project's available zones (slot 1 in the first zone, ...). */
  @IsOptional()
  @IsBoolean()
  @ApiPropertyOptional({ example: false })
  spreadAcrossZones?: boolean;

  @ApiProperty({ type: ServerGroupOptionDto, required: false })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ServerGroupOptionDto)
  serverGroup?: ServerGroupOptionDto;

  @ApiProperty({ type: BootVolumeDto, required: false })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BootVolumeDto)
  bootVolume?: BootVolumeDto;

  /** Attach a config drive (`--config-drive`), for images that read cloud-init from it. */
  @IsOptional()
  @IsBoolean()
  @ApiPropertyOptional({ example: false })
  configDrive?: boolean;

  /** The VMs' Nova description (`--description`). */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'Analytics worker (office hours)' })
  description?: string;

  /**
   * Guest hostnames are `<prefix>-<slot>` (`--hostname`, on clouds with compute microversion 2.90; others derive
   * them from the VM name). Lower-case letters, digits and `-`, 1-50 characters, not starting or ending with `-`.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, {
    message: '$property must be 1-50 lower-case letters, digits or "-", not starting or ending with "-"',
  })
  @ApiPropertyOptional({ example: 'analytics-worker' })
  hostnamePrefix?: string;
}
