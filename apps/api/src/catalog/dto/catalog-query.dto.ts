import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class CatalogQueryDto {
  /** Skip the short cache and ask the cloud now. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean()
  refresh?: boolean;
}
