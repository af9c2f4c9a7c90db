import { Controller, Get, Header, HttpStatus, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, type AuthenticatedRequest } from '../auth/access.decorators';
import { OptionalAuthentication } from '../auth/optional-authentication';
import { LivenessDto, ReadinessDto } from './health.dto';
import { HealthService } from './health.service';

const LIVENESS = {
  summary: 'Liveness',
  description:
    'Whether this process is alive and its event loop runs (not blocked longer than `LIVENESS_MAX_EVENT_LOOP_DELAY_MS` ' +
    'recently). Touches neither the database nor the cloud, so their outages never restart a replica.',
};
const READINESS = {
  summary: 'Readiness',
  description:
    'Whether this replica can serve: its database answers (503 otherwise). The cloud (one Nova call, cached), the ' +
    'managed flavors, the engine role and Keystone projects whose quota holds VMs back are reported too; the cloud ' +
    'and the flavors fail readiness only with `READINESS_REQUIRES_CLOUD=true`. Checked at most once a second. With a ' +
    "cloud admin's token the parts carry their detail (quotas, the cloud's messages, ids).",
};

/** Shared by `/livez`, `/readyz` and their `/v1/health` aliases. */
abstract class Probes {
  constructor(
    protected readonly health: HealthService,
    protected readonly optionalAuth: OptionalAuthentication,
  ) {}

  protected live(res: Response): LivenessDto {
    const liveness = this.health.liveness();
    res.status(liveness.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return liveness;
  }

  protected async ready(req: AuthenticatedRequest, res: Response): Promise<ReadinessDto> {
    const [report, admin] = await Promise.all([this.health.readiness(), this.optionalAuth.isCloudAdmin(req)]);
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return this.health.forViewer(report, admin ? 'admin' : 'anyone');
  }
}

/** Kubernetes-style probes at the root, outside `/v1` (see `configureApp`). */
@ApiTags('health')
// Probes (kubelets, load balancers) carry no Keystone token.
@Public()
@Controller()
export class ProbesController extends Probes {
  constructor(health: HealthService, optionalAuth: OptionalAuthentication) {
    super(health, optionalAuth);
  }

  @Get('livez')
  @Header('Cache-Control', 'no-store')
  @ApiOperation(LIVENESS)
  @ApiOkResponse({ type: LivenessDto, description: 'Alive.' })
  @ApiServiceUnavailableResponse({ type: LivenessDto, description: 'The event loop was blocked too long: restart me.' })
  getLivez(@Res({ passthrough: true }) res: Response): LivenessDto {
    return this.live(res);
  }

  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  @ApiOperation(READINESS)
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready to serve.' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'A required part is down; `error` names it.' })
  getReadyz(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    return this.ready(req, res);
  }
}

/** The probes' first addresses, kept for the tools and load balancers configured with them. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController extends Probes {
  constructor(health: HealthService, optionalAuth: OptionalAuthentication) {
    super(health, optionalAuth);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ ...LIVENESS, summary: 'Liveness (alias of /livez)' })
  @ApiOkResponse({ type: LivenessDto, description: 'Alive.' })
  @ApiServiceUnavailableResponse({ type: LivenessDto, description: 'The event loop was blocked too long.' })
  getHealth(@Res({ passthrough: true }) res: Response): LivenessDto {
    return this.live(res);
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ ...READINESS, summary: 'Readiness (alias of /readyz)' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready to serve.' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'A required part is down; `error` names it.' })
  getReadiness(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    return this.ready(req, res);
  }
}
