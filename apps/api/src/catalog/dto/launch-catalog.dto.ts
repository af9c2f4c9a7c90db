import { ApiProperty } from '@nestjs/swagger';

/** A key pair of the signed-in user (Nova keeps key pairs per user). */
export class KeypairDto {
  name!: string;
  /** `ssh` or `x509`. */
  type!: string;
  fingerprint!: string;
}

/** A Neutron security group of the project. */
export class SecurityGroupDto {
  /** Neutron id (UUID). */
  id!: string;
  name!: string;
  description!: string;
}

/** An availability zone VMs can be created in. */
export class AvailabilityZoneDto {
  name!: string;
}

/** A Nova server group of the project. */
export class ServerGroupDto {
  id!: string;
  name!: string;
  /** `anti-affinity`, `soft-anti-affinity`, `affinity` or `soft-affinity`. */
  policy!: string;
  /** Servers in the group now. */
  @ApiProperty({ type: 'integer' })
  members!: number;
}

/** A Cinder volume type, for boot volumes. */
export class VolumeTypeDto {
  id!: string;
  name!: string;
  description!: string;
}
