import { ApiProperty } from '@nestjs/swagger';

/** A Neutron network peak VMs can be attached to. */
export class NetworkDto {
  /** Neutron network id (UUID). */
  @ApiProperty({ example: '0d4e6f8a-2b3c-4d5e-8f9a-1b2c3d4e5f6a' })
  id!: string;
  /** Network name; may be empty in Neutron. */
  @ApiProperty({ example: 'private' })
  name!: string;
  /** `ACTIVE`, `DOWN`, `BUILD` or `ERROR`. */
  @ApiProperty({ example: 'ACTIVE' })
  status!: string;
  /** Shared with every project. */
  @ApiProperty({ example: false })
  shared!: boolean;
  /** An external (provider) network, where floating IPs come from. */
  @ApiProperty({ example: false })
  external!: boolean;
  /** Ids of its subnets. */
  @ApiProperty({ example: ['5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f'] })
  subnets!: string[];
}
