import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { CapacityService } from './capacity.service';
import { CapacityDto, CapacityQueryDto } from './dto/capacity.dto';

@ApiTags('capacity')
@Controller('capacity')
export class CapacityController {
  constructor(private readonly capacity: CapacityService) {}

  @Get()
  @ApiOperation({
    summary: "Compare a project's planned demand with its quota",
    description:
      "The demand of the project's enabled schedules over the range, per resource (instances, vCPUs, RAM) as steps: every " +
      "window counts from its provisioning start (start less lead time) to its end, with its VMs times the flavor's size. " +
      "Beside it the quota line: the project's Nova limit less what the project uses outside the schedules' own VMs. " +
      'Conflicts are the intervals where the demand is above that line. When the cloud does not give the quota, `fits`, ' +
      'the quota fields and the conflicts are null or empty and `reason` says why.',
  })
  @ApiOkResponse({ type: CapacityDto, description: 'The demand, the quota line and the conflicts over the range.' })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: 'Invalid range (`to` not after `from`, or more than 92 days): `errors` says which.',
  })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: "Another project than the token's, without being a cloud admin." })
  getCapacity(@Query() query: CapacityQueryDto, @CurrentCaller() caller: Caller): Promise<CapacityDto> {
    return this.capacity.overview(query, caller);
  }
}
