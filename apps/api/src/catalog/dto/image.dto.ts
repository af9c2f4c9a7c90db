import { ApiProperty } from '@nestjs/swagger';

/** A Glance image an admin can boot peak VMs from. */
export class ImageDto {
  /** Glance image id (UUID). */
  id!: string;
  /** Image name; may be empty in Glance. */
  name!: string;
  /** Glance status: `active` images can be booted. */
  status!: string;
  /** Size in bytes, when Glance knows it. */
  @ApiProperty({ type: 'integer', format: 'int64', required: false })
  sizeBytes?: number;
  /** Smallest root disk (GiB) a flavor must have to boot it. */
  @ApiProperty({ type: 'integer' })
  minDiskGiB!: number;
  /** Smallest RAM (MiB) a flavor must have to boot it. */
  @ApiProperty({ type: 'integer' })
  minRamMiB!: number;
  /** `public`, `private`, `shared` or `community`. */
  visibility!: string;
}
