import { Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/uuid-param';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { byName, mapLoadBalancer, mapPool } from './catalog.mappers';
import { CatalogService } from './catalog.service';
import { CatalogQueryDto } from './dto/catalog-query.dto';
import { LoadBalancerDto, LoadBalancerPoolDto } from './dto/load-balancer.dto';

const UNAVAILABLE = { type: ApiErrorDto, description: 'The cloud could not be reached.' };
const CACHED = 'Cached for a few seconds per project (`refresh=true` asks the cloud now).';

/** The Octavia load balancers and pools of the caller's project: what a schedule's VMs may join. */
@ApiTags('load-balancers')
@Controller('load-balancers')
export class LoadBalancersController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({
    summary: 'List load balancers',
    description: `The Octavia load balancers of the token's project; empty when the cloud has no Octavia (no \`load-balancer\` service in its catalog). ${CACHED}`,
  })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [LoadBalancerDto], description: 'The load balancers, by name.' })
  async listLoadBalancers(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<LoadBalancerDto[]> {
    return (await this.catalog.listLoadBalancers(caller, query.refresh)).map(mapLoadBalancer).sort(byName);
  }

  @Get(':id/pools')
  @ApiOperation({
    summary: 'List the pools of a load balancer',
    description: `Its pools, with their protocol and health monitor. ${CACHED}`,
  })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiNotFoundResponse({ type: ApiErrorDto, description: "The token's project has no such load balancer." })
  @ApiOkResponse({ type: [LoadBalancerPoolDto], description: 'The pools, by name.' })
  async listPools(
    @UuidParam('id', 'The load balancer id (UUID).') id: string,
    @Query() query: CatalogQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<LoadBalancerPoolDto[]> {
    const pools = await this.catalog.listPools(caller, id, query.refresh);
    if (!pools) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `Load balancer ${id} not found in this project`,
      } satisfies ApiErrorDto);
    }
    return pools.map(mapPool).sort(byName);
  }
}
