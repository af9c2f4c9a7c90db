import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { byName, mapKeypair, mapSecurityGroup, mapServerGroup, mapVolumeType } from './catalog.mappers';
import { CatalogService } from './catalog.service';
import { CatalogQueryDto } from './dto/catalog-query.dto';
import { AvailabilityZoneDto, KeypairDto, SecurityGroupDto, ServerGroupDto, VolumeTypeDto } from './dto/launch-catalog.dto';

const UNAVAILABLE = { type: ApiErrorDto, description: 'The cloud could not be reached.' };
const CACHED = 'Cached for a few seconds per project (`refresh=true` asks the cloud now).';

/** What a schedule's launch options may name, as the caller's project sees it: for the console's pickers. */
@ApiTags('launch-options')
@Controller()
export class LaunchCatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('keypairs')
  @ApiOperation({ summary: 'List key pairs', description: `The signed-in user's Nova key pairs (Nova keeps them per user). ${CACHED}` })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [KeypairDto], description: 'The key pairs, by name.' })
  async listKeypairs(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<KeypairDto[]> {
    return (await this.catalog.listKeypairs(caller, query.refresh)).map(mapKeypair).sort((a, b) => a.name.localeCompare(b.name));
  }

  @Get('security-groups')
  @ApiOperation({ summary: 'List security groups', description: `The Neutron security groups of the project. ${CACHED}` })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [SecurityGroupDto], description: 'The security groups, by name.' })
  async listSecurityGroups(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<SecurityGroupDto[]> {
    return (await this.catalog.listSecurityGroups(caller, query.refresh)).map(mapSecurityGroup).sort(byName);
  }

  @Get('availability-zones')
  @ApiOperation({ summary: 'List availability zones', description: `The zones VMs can be created in now. ${CACHED}` })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [AvailabilityZoneDto], description: 'The available zones, by name.' })
  async listAvailabilityZones(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<AvailabilityZoneDto[]> {
    return [...(await this.catalog.listAvailabilityZones(caller, query.refresh))].sort().map((name) => ({ name }));
  }

  @Get('server-groups')
  @ApiOperation({ summary: 'List server groups', description: `The project's Nova server groups. ${CACHED}` })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [ServerGroupDto], description: 'The server groups, by name.' })
  async listServerGroups(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<ServerGroupDto[]> {
    return (await this.catalog.listServerGroups(caller, query.refresh)).map(mapServerGroup).sort(byName);
  }

  @Get('volume-types')
  @ApiOperation({
    summary: 'List volume types',
    description: `Cinder volume types for boot volumes; empty when the cloud has no block storage (boot volumes are then refused). ${CACHED}`,
  })
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  @ApiOkResponse({ type: [VolumeTypeDto], description: 'The volume types, by name (empty without block storage).' })
  async listVolumeTypes(@Query() query: CatalogQueryDto, @CurrentCaller() caller: Caller): Promise<VolumeTypeDto[]> {
    return (await this.catalog.listVolumeTypes(caller, query.refresh)).map(mapVolumeType).sort(byName);
  }
}
