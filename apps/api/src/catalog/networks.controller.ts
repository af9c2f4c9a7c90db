import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { byName, mapNetwork } from './catalog.mappers';
import { CatalogService } from './catalog.service';
import { CatalogQueryDto } from './dto/catalog-query.dto';
import { NetworkDto } from './dto/network.dto';

@ApiTags('networks')
@Controller('networks')
export class NetworksController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({
    summary: 'List networks',
    description: 'The Neutron networks the project can attach VMs to, cached for a few seconds (`refresh=true` asks the cloud now).',
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The cloud could not be reached.' })
  @ApiOkResponse({ type: [NetworkDto], description: 'The networks, by name, each with its subnets.' })
  async listNetworks(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<NetworkDto[]> {
    return (await this.catalog.listNetworks(caller, query.refresh)).map(mapNetwork).sort(byName);
  }
}
