import { ApiProperty } from '@nestjs/swagger';

/** A Glance image an admin can boot peak VMs from. */
export class ImageDto {
  /** Glance image id (UUID). */
  @ApiProperty({ example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' })
  id!: string;
  /** Image name; may be empty in Glance. */
  @ApiProperty({ example: 'ubuntu-24.04' })
  name!: string;
  /** Glance status: `active` images can be booted. */
  @ApiProperty({ example: 'active' })
  status!: string;
  /** Size in bytes, when Glance knows it. */
  @ApiProperty({ type: 'integer', format: 'int64', required: false, example: 2361393152 })
  sizeBytes?: number;
  /** Smallest root disk (GiB) a flavor must have to boot it. */
  @ApiProperty({ type: 'integer', example: 10 })
  minDiskGiB!: number;
  /** Smallest RAM (MiB) a flavor must have to boot it. */
  @ApiProperty({ type: 'integer', example: 1024 })
  minRamMiB!: number;
  /** `public`, `private`, `shared` or `community`. */
  @ApiProperty({ example: 'public' })
  visibility!: string;
}
