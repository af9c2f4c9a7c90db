import { ApiProperty } from '@nestjs/swagger';

/** A key pair of the signed-in user (Nova keeps key pairs per user). */
export class KeypairDto {
  @ApiProperty({ example: 'alice-laptop' })
  name!: string;
  /** `ssh` or `x509`. */
  @ApiProperty({ example: 'ssh' })
  type!: string;
  @ApiProperty({ example: 'f2:3a:9c:41:7d:0e:b5:68:2f:c1:94:ad:3e:57:80:1b' })
  fingerprint!: string;
}

/** A Neutron security group of the project. */
export class SecurityGroupDto {
  /** Neutron id (UUID). */
  @ApiProperty({ example: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' })
  id!: string;
  @ApiProperty({ example: 'default' })
  name!: string;
  @ApiProperty({ example: 'Default security group' })
  description!: string;
}

/** An availability zone VMs can be created in. */
export class AvailabilityZoneDto {
  @ApiProperty({ example: 'nova' })
  name!: string;
}

/** A Nova server group of the project. */
export class ServerGroupDto {
  @ApiProperty({ example: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty({ example: 'analytics-workers' })
  name!: string;
  /** `anti-affinity`, `soft-anti-affinity`, `affinity` or `soft-affinity`. */
  @ApiProperty({ example: 'anti-affinity' })
  policy!: string;
  /** Servers in the group now. */
  @ApiProperty({ type: 'integer', example: 10 })
  members!: number;
}

/** A Cinder volume type, for boot volumes. */
export class VolumeTypeDto {
  @ApiProperty({ example: '3f4e5d6c-7b8a-4901-b2c3-d4e5f6a7b8c9' })
  id!: string;
  @ApiProperty({ example: 'ssd' })
  name!: string;
  @ApiProperty({ example: 'SSD-backed volumes' })
  description!: string;
}
