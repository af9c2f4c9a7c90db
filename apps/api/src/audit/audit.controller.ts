import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentIdentity } from '../auth/access.decorators';
import type { AuthIdentity } from '../auth/auth-identity';
import { ApiErrorDto } from '../common/api-error.dto';
import { AuditService } from './audit.service';
import { AuditRecordListDto, ListAuditRecordsQueryDto } from './dto/audit-record.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'List audit records',
    description:
      'Who changed what: one record per write through the API (refused attempts included), newest first, paginated, ' +
      "optionally filtered. Members read their project's records; a cloud admin reads every project's and the logins. " +
      'Records are kept for `AUDIT_RETENTION_DAYS` (default 365).',
  })
  @ApiOkResponse({ type: AuditRecordListDto, description: 'One page of audit records, newest first, with its total.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'An invalid filter: `errors` names each field and the reason.' })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description:
      "The token lacks a read role, is not scoped to a project, or asks for another project's records without being a cloud admin.",
  })
  listAuditRecords(@Query() query: ListAuditRecordsQueryDto, @CurrentIdentity() identity: AuthIdentity): Promise<AuditRecordListDto> {
    return this.audit.list(query, identity);
  }
}
