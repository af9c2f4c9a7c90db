import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The page a list request asks for: `limit` and `offset`, shared by the lists that page the same way. */
export class PageQueryDto {
  /** Page size (1-100, default 20). */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Items to skip (default 0). */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

/** What every page of a list says about itself; the subclasses add their `items`. */
export class PageDto {
  /** Items matching the filters, all pages together. */
  @ApiProperty({ type: 'integer', example: 42 })
  total!: number;

  @ApiProperty({ type: 'integer', example: 20 })
  limit!: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset!: number;
}
