import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CatalogQueryDto } from '../catalog/dto/catalog-query.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { FlavorDto } from './dto/flavor.dto';
import { FlavorsService } from './flavors.service';

@ApiTags('flavors')
@Controller('flavors')
export class FlavorsController {
  constructor(private readonly flavors: FlavorsService) {}

  @Get()
  @ApiOperation({
    summary: 'List flavors',
    description:
      'The flavors the project can use, every page gathered, cached for a few seconds (`refresh=true` asks the cloud now). ' +
      'The two flavors the product manages (`standard`, `large`) are marked, with any spec mismatch.',
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The cloud could not be reached.' })
  @ApiOkResponse({ type: [FlavorDto], description: 'The flavors, the two managed ones marked.' })
  listFlavors(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<FlavorDto[]> {
    return this.flavors.list(caller, query.refresh);
  }
}
