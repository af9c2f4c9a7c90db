import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { API_PREFIX } from '../common/api-prefix';
import { ReadOnly } from '../auth/access.decorators';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/uuid-param';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import { OccurrenceListDto, OccurrencesQueryDto, SchedulePreviewDto } from './dto/occurrence.dto';
import { PreviewScheduleDto } from './dto/preview-schedule.dto';
import { ListRunsQueryDto, RunListDto } from './dto/run.dto';
import { ListScheduleEventsQueryDto, ScheduleEventListDto } from './dto/schedule-event.dto';
import { ListSchedulesQueryDto, SavedScheduleDto, ScheduleDeletionDto, ScheduleDto, ScheduleListDto } from './dto/schedule.dto';
import { CapacityErrorDto, EnforceCapacityQueryDto } from '../capacity/dto/capacity.dto';
import { UpdateScheduleDto } from './dto/update-schedule.dto';
import { OnceWindowDto, RecurringWindowDto } from './dto/window.dto';
import { SchedulesService } from './schedules.service';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CurrentCaller, type Caller } from './caller';

/** The `{id}` of the routes below. */
const SCHEDULE_ID = "The schedule's id.";

const DST_POLICY =
  "Recurring starts are read on the wall clock of the schedule's IANA time zone. A start that falls in a spring-forward gap " +
  'moves to the first valid instant after the gap (Europe/Rome 2026-03-29 02:30 starts at 03:00+02:00); a start in a ' +
  'fall-back overlap fires once, at its first occurrence. Durations are elapsed time.';
const BAD_REQUEST = { type: ApiErrorDto, description: 'Invalid input: `errors` names each field and the reason.' };
const NOT_FOUND = { type: ApiErrorDto, description: 'No schedule with this id.' };
const UNPROCESSABLE = {
  type: ApiErrorDto,
  description: 'The image, flavor or a network does not exist in the cloud (or the image is not active): `errors` names which.',
};
/** A 422 is either a missing cloud reference or, when enforced, a save that does not fit the quota. */
const UNPROCESSABLE_OR_CAPACITY = {
  description:
    `${UNPROCESSABLE.description} Or, with \`?enforceCapacity=true\` or \`CAPACITY_ENFORCE=true\`, the schedules would not fit ` +
    "the project's quota: the message names the first conflict, `capacity` has them all (`CapacityErrorDto`), and nothing was saved.",
  schema: { anyOf: [{ $ref: getSchemaPath(ApiErrorDto) }, { $ref: getSchemaPath(CapacityErrorDto) }] },
};
const CAPACITY =
  "The answer's `capacity` says whether the project's enabled schedules, with this one, fit its Nova quota over the next " +
  '`CAPACITY_HORIZON_DAYS` (a warning: the save happens; `?enforceCapacity=true` or `CAPACITY_ENFORCE=true` refuse it with 422). ' +
  'When the quota cannot be read, `capacity.fits` is null with a `reason`, and the save is never refused for that.';
const UNAVAILABLE = {
  type: ApiErrorDto,
  description: 'The cloud could not be asked whether the references exist; `openstackRequestId` when it answered.',
};

@ApiTags('schedules')
@ApiExtraModels(OnceWindowDto, RecurringWindowDto, ApiErrorDto, CapacityErrorDto)
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({
    summary: 'List schedules',
    description:
      'Ordered by name, paginated, optionally filtered by `enabled` and by derived `state` (evaluated in the database ' +
      'from the schedule, its latest run and the clock, so filters and `total` are exact).',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'The `ETag` of a page read before: the answer is then a 304 without a body while the page is the same.',
  })
  @ApiOkResponse({
    type: ScheduleListDto,
    description: 'One page of schedules, with its total.',
    headers: { ETag: { description: 'A strong validator of this page, for `If-None-Match`.', required: true, schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'The page is the one `If-None-Match` names: nothing has changed.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  async listSchedules(@Query() query: ListSchedulesQueryDto, @CurrentCaller() caller: Caller, @Res() response: Response): Promise<void> {
    // Sent as kept JSON bytes (see SchedulesService.list); Express answers 304 to a matching If-None-Match.
    const page = await this.schedules.list(query, caller);
    response.setHeader('ETag', page.etag);
    response.type('application/json').send(page.body);
  }

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Create a schedule',
    description:
      `One-off or recurring. Windows of a schedule never overlap (lead time + duration fit between any two starts). ${DST_POLICY} ` +
      `The image, flavor and networks are checked against the cloud. ${CAPACITY}`,
  })
  @ApiCreatedResponse({
    type: SavedScheduleDto,
    description: 'The schedule created, as GET returns it, with the capacity check.',
    headers: { Location: { description: 'The new schedule: `/v1/schedules/{id}`.', schema: { type: 'string', format: 'uri-reference' } } },
  })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The name is taken (names are unique regardless of case).' })
  @ApiUnprocessableEntityResponse(UNPROCESSABLE_OR_CAPACITY)
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  async createSchedule(
    @Body() body: CreateScheduleDto,
    @Query() query: EnforceCapacityQueryDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SavedScheduleDto> {
    const created = await this.schedules.create(body, caller, query.enforceCapacity);
    response.setHeader('Location', `/${API_PREFIX}/schedules/${created.id}`);
    return created;
  }

  @Post('preview')
  @Idempotent()
  @ReadOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Preview the windows of an unsaved schedule',
    description:
      `The same validation as on create (without the cloud references), then the next windows. ${DST_POLICY} ` +
      "With `instanceCount` and `flavorId`, also `capacity`: whether it fits the quota beside the project's other enabled " +
      'schedules (with `scheduleId`, in place of that saved schedule).',
  })
  @ApiOkResponse({ type: SchedulePreviewDto, description: 'The next windows of the timing given, and the capacity check when asked.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No schedule with the `scheduleId` given.' })
  previewSchedule(
    @Body() body: PreviewScheduleDto,
    @Query() query: OccurrencesQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<SchedulePreviewDto> {
    return this.schedules.preview(body, query, caller);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a schedule', description: 'With its derived state, latest run and next window.' })
  @ApiOkResponse({ type: ScheduleDto, description: 'The schedule, with its derived state, next window and latest run.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  getSchedule(@UuidParam('id', SCHEDULE_ID) id: string, @CurrentCaller() caller: Caller): Promise<ScheduleDto> {
    return this.schedules.get(id, caller);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a schedule',
    description:
      'Send the fields to change and the `version` you read. A `window` replaces the whole window; a one-off window that ' +
      'has started keeps its start (send it unchanged) and may move its end, to no earlier than now, while it is under ' +
      'way (the VMs stay until the new end). A changed reference is ' +
      `checked against the cloud. A stale version is a 409: read the schedule again and re-apply. ${CAPACITY}`,
  })
  @ApiOkResponse({ type: SavedScheduleDto, description: 'The schedule after the change, with the capacity check.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Stale `version`, a name taken, or a schedule being deleted.' })
  @ApiUnprocessableEntityResponse(UNPROCESSABLE_OR_CAPACITY)
  @ApiServiceUnavailableResponse(UNAVAILABLE)
  updateSchedule(
    @UuidParam('id', SCHEDULE_ID) id: string,
    @Body() body: UpdateScheduleDto,
    @Query() query: EnforceCapacityQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<SavedScheduleDto> {
    return this.schedules.update(id, body, caller, query.enforceCapacity);
  }

  @Post(':id/delegation')
  @Idempotent()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Take over a schedule's delegation",
    description:
      "The engine creates VMs through a Keystone trust from a user of the schedule's project (see `delegatedBy`). " +
      'This replaces it with a new trust from you, and deletes the old one: for when its creator leaves the project ' +
      "or their trust stopped working. Needs a write role and a token scoped to the schedule's project (a cloud " +
      'admin of another project gets 422), and a password login (an application credential gets 422).',
  })
  @ApiOkResponse({ type: ScheduleDto, description: 'The schedule, now delegated by the caller.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The schedule is being deleted, or changed meanwhile.' })
  @ApiUnprocessableEntityResponse({
    type: ApiErrorDto,
    description: 'Keystone refused the trust (your roles), or your token cannot give one (another project, an application credential).',
  })
  renewDelegation(@UuidParam('id', SCHEDULE_ID) id: string, @CurrentCaller() caller: Caller): Promise<ScheduleDto> {
    return this.schedules.renewDelegation(id, caller);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a schedule',
    description:
      'Without VMs in the cloud the schedule is removed at once (204). While its VMs are up it goes to `deleting` (202): ' +
      'the engine tears the VMs down and then removes it; meanwhile it is still listed, cannot be changed, and a repeated ' +
      'DELETE answers 202 again.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiAcceptedResponse({ type: ScheduleDeletionDto, description: 'VMs are up: they are being torn down, then the schedule is removed.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  async deleteSchedule(
    @UuidParam('id', SCHEDULE_ID) id: string,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleDeletionDto | undefined> {
    const outcome = await this.schedules.delete(id, caller);
    if (outcome.kind === 'deleted') {
      response.status(HttpStatus.NO_CONTENT);
      return undefined;
    }
    response.status(HttpStatus.ACCEPTED);
    return {
      id,
      state: 'deleting',
      message: 'The schedule has VMs in the cloud: they are being torn down, then the schedule is removed.',
    };
  }

  @Get(':id/occurrences')
  @ApiOperation({
    summary: 'List the next windows of a schedule',
    description: `In UTC and in the schedule's zone, marking DST shifts and skipped (excluded) dates. ${DST_POLICY}`,
  })
  @ApiOkResponse({ type: OccurrenceListDto, description: 'The next windows of the schedule.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  listOccurrences(
    @UuidParam('id', SCHEDULE_ID) id: string,
    @Query() query: OccurrencesQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<OccurrenceListDto> {
    return this.schedules.occurrences(id, query, caller);
  }

  @Get(':id/runs')
  @ApiOperation({
    summary: "List a schedule's runs",
    description:
      'Newest window first, each with its VMs. The history outlives the schedule: after the schedule is deleted its runs ' +
      'are still listed here (each with the `scheduleName` it had) until they are pruned. Finished runs are kept for ' +
      '`RUN_RETENTION_DAYS` (default 90) after their window ended; live runs are never pruned.',
  })
  @ApiOkResponse({ type: RunListDto, description: 'One page of the runs of the schedule, newest window first, with its total.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Neither a schedule with this id nor any kept run of one.' })
  listRuns(
    @UuidParam('id', SCHEDULE_ID) id: string,
    @Query() query: ListRunsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<RunListDto> {
    return this.schedules.runs(id, query, caller);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "List a schedule's events",
    description:
      'Newest first: what webhooks were (or will be) told about this schedule, `peak.schedule.*` for its changes and ' +
      '`peak.run.*` for its runs, each with the CloudEvents `data` as sent. Like its runs, they outlive the schedule and ' +
      'are kept for `RUN_RETENTION_DAYS` (default 90), whether or not a webhook received them.',
  })
  @ApiOkResponse({ type: ScheduleEventListDto, description: 'One page of the events of the schedule, newest first, with its total.' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Neither a schedule with this id nor any kept event of one.' })
  listEvents(
    @UuidParam('id', SCHEDULE_ID) id: string,
    @Query() query: ListScheduleEventsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ScheduleEventListDto> {
    return this.schedules.eventsOf(id, query, caller);
  }
}
