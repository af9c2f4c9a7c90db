import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CloudHealthIndicator } from './indicators/cloud.indicator';
import { EngineHealthIndicator } from './indicators/engine.indicator';
import { FlavorBootstrapHealthIndicator } from './indicators/flavor-bootstrap.indicator';
import { QuotaHealthIndicator } from './indicators/quota.indicator';

@ApiTags('health')
// Probes (load balancers, Kubernetes) carry no Keystone token.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly cloud: CloudHealthIndicator,
    private readonly flavors: FlavorBootstrapHealthIndicator,
    private readonly engine: EngineHealthIndicator,
    private readonly quota: QuotaHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness',
    description:
      'Whether the API process and its database answer (503 when the database does not). ' +
      'Also reports the flavor bootstrap, without failing on it. Needs no token.',
  })
  @ApiServiceUnavailableResponse({ description: 'The database is down; the body says so.' })
  getHealth(): Promise<HealthCheckResult> {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 3000 }), () => this.flavors.check('flavors')]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Whether this replica can do its job: the database answers, the cloud answers with our credentials, ' +
      'and both managed flavors exist. 503 with the failing part otherwise. Also says whether this replica ' +
      'leads the engine or follows (both are ready), and which Keystone projects have VMs held back by a full ' +
      'quota (informative: the tenant raises it). Needs no token.',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is not ready; the body says which.' })
  getReadiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000 }),
      () => this.cloud.check('cloud'),
      () => this.flavors.check('flavors', true),
      () => this.engine.check('engine'),
      () => this.quota.check('quota'),
    ]);
  }
}
