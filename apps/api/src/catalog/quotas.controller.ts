import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { CurrentCaller, type Caller } from '../schedules/caller';
import { mapQuotas } from './catalog.mappers';
import { CatalogService } from './catalog.service';
import { QuotasDto, QuotasQueryDto } from './dto/quota.dto';

@ApiTags('quotas')
@Controller('quotas')
export class QuotasController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({
    summary: 'Show the project’s compute quotas',
    description:
      'Nova’s absolute limits of the token’s project (a cloud admin may name another with `projectId`) and what the project ' +
      'uses of them now: instances, cores, RAM (MiB), key pairs, server groups. A limit of null is unlimited. Cached for a few ' +
      'seconds per project (`refresh=true` asks the cloud now).',
  })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description:
      'The token lacks the role this operation needs or its scope is not accepted, or `projectId` names another project ' +
      'than the token’s and the caller is no cloud admin.',
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The cloud could not be reached.' })
  @ApiOkResponse({ type: QuotasDto, description: 'Each quota of the project, used of its limit, always in the same order.' })
  async getQuotas(@Query() query: QuotasQueryDto, @CurrentCaller() caller: Caller): Promise<QuotasDto> {
    const projectId = quotaProject(caller, query.projectId);
    const { limits, keyPairsUsed } = await this.catalog.getLimits(caller, projectId, query.refresh);
    return mapQuotas(projectId, limits, keyPairsUsed);
  }
}

/** Whose quotas: the token's project, or (cloud admins only) the one asked for. */
function quotaProject(caller: Caller, asked: string | undefined): string {
  if (asked !== undefined && asked !== caller.projectId && !caller.allProjects)
    throw forbidden(
      `Your token is scoped to project ${caller.projectId ?? '(none)'}; only a cloud admin may see the quotas of project ${asked}`,
    );
  const projectId = asked ?? caller.projectId;
  if (projectId === null) throw forbidden('Quotas belong to projects: use a token scoped to a project, or name one with projectId');
  return projectId;
}

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message } satisfies ApiErrorDto);
}
