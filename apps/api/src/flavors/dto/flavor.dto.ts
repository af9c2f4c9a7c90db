import { ApiProperty } from '@nestjs/swagger';

/** A Nova flavor (VM size). */
export class FlavorDto {
  /** Nova flavor id. */
  id!: string;
  /** Flavor name. */
  name!: string;
  /** Virtual CPUs. */
  @ApiProperty({ type: 'integer' })
  vcpus!: number;
  /** RAM in MiB. */
  @ApiProperty({ type: 'integer' })
  ramMiB!: number;
  /** Root disk in GB. */
  @ApiProperty({ type: 'integer' })
  diskGiB!: number;
  /** Visible to every project. */
  isPublic!: boolean;
  /** Set when this is one of the two flavors the product manages. */
  @ApiProperty({ enum: ['standard', 'large'], enumName: 'ManagedFlavorRole', required: false })
  managed?: 'standard' | 'large';
  /**
   * For a managed flavor that already existed with other specs (left untouched): what differs,
   * e.g. `vcpus: expected 4, found 2`. Empty when it matches.
   */
  mismatches?: string[];
}
