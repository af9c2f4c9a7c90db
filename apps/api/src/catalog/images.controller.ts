import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { byName, mapImage } from './catalog.mappers';
import { CatalogService } from './catalog.service';
import { CatalogQueryDto } from './dto/catalog-query.dto';
import { ImageDto } from './dto/image.dto';

@ApiTags('images')
@Controller('images')
export class ImagesController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({
    summary: 'List images',
    description:
      'The Glance images the project can boot, every page gathered, cached for a few seconds (`refresh=true` asks the cloud now).',
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The cloud could not be reached.' })
  @ApiOkResponse({ type: [ImageDto], description: 'The images, by name.' })
  async listImages(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<ImageDto[]> {
    return (await this.catalog.listImages(caller, query.refresh)).map(mapImage).sort(byName);
  }
}
