import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A Nova flavor (VM size). */
export class FlavorDto {
  /** Nova flavor id. */
  @ApiProperty({ example: '3e7b9d1f-2a4c-4e6b-8d0f-1a3c5e7b9d2f' })
  id!: string;
  /** Flavor name. */
  @ApiProperty({ example: 'peak.standard' })
  name!: string;
  /** Virtual CPUs. */
  @ApiProperty({ type: 'integer', example: 4 })
  vcpus!: number;
  /** RAM in MiB. */
  @ApiProperty({ type: 'integer', example: 8192 })
  ramMiB!: number;
  /** Root disk in GB. */
  @ApiProperty({ type: 'integer', example: 40 })
  diskGiB!: number;
  /** Visible to every project. */
  @ApiProperty({ example: true })
  isPublic!: boolean;
  /** Set when this is one of the two flavors the product manages. */
  @ApiProperty({ enum: ['standard', 'large'], enumName: 'ManagedFlavorRole', required: false })
  managed?: 'standard' | 'large';
  /**
   * For a managed flavor that already existed with other specs (left untouched): what differs,
   * e.g. `vcpus: expected 4, found 2`. Empty when it matches.
   */
  @ApiPropertyOptional({ example: [] })
  mismatches?: string[];
}
