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
 * Put the run's VMs behind an Octavia pool: each VM joins it once ACTIVE (a member at its address on `subnetId`),
 * and leaves it gracefully before it is deleted: weight 0 (no new connections), `drainSeconds` for the connections
 * it has, then the member is removed, and only once Octavia no longer lists it is the VM deleted.
 */
export class LoadBalancerMembershipDto {
  /** The Octavia pool (id) of the schedule's project. */
  @IsString()
  @Length(1, 255)
  @ApiProperty({ example: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f' })
  poolId!: string;

  /** The port the VMs serve on (1-65535). */
  @ApiProperty({ type: 'integer', example: 8080 })
  @IsInt()
  @Min(1)
  @Max(65_535)
  protocolPort!: number;

  /**
   * The subnet (id) whose address of each VM becomes the member's; it must be on one of the schedule's networks.
   * Default: the VIP subnet of the pool's load balancer.
   */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @ApiPropertyOptional({ example: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d' })
  subnetId?: string;

  /** The members' weight (0-256; default 1). */
  @ApiProperty({ type: 'integer', required: false, default: 1, example: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(256)
  weight?: number;

  /** Where the health monitor checks each member, when not at its own address. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @ApiPropertyOptional({ example: '10.0.0.5' })
  monitorAddress?: string;

  /** The port the health monitor checks, when not `protocolPort` (1-65535). */
  @ApiProperty({ type: 'integer', required: false, example: 9090 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65_535)
  monitorPort?: number;

  /**
   * Count a VM ready (and the run `active`) only once Octavia sees its member ONLINE. Default: true when the pool has
   * a health monitor (without one, members are NO_MONITOR and a VM counts as ready when it joined).
   */
  @IsOptional()
  @IsBoolean()
  @ApiPropertyOptional({ example: true })
  waitForOnline?: boolean;

  /** Seconds a leaving member keeps weight 0 before it is removed (0-3600; default 30). */
  @ApiProperty({ type: 'integer', required: false, default: 30, example: 30 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  drainSeconds?: number;
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

  @ApiProperty({ type: LoadBalancerMembershipDto, required: false })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LoadBalancerMembershipDto)
  loadBalancer?: LoadBalancerMembershipDto;
}
