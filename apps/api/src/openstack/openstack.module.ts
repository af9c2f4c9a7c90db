import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { describeCloudConfig, OpenStackClient, type OpenStackLogger, type RequestEvent } from '@peak/openstack-client';
import { MetricsModule } from '../metrics/metrics.module';
import { OpenStackMetrics } from '../metrics/openstack-metrics';
import { openstackConfig } from './openstack.config';

/**
 * The client's log lines through Nest's logger (JSON in production), their context as fields. The client's own
 * per-attempt debug line (the one with `durationMs`) is left out: {@link logRequest} writes the same attempt with
 * every field structured, so it is logged once.
 */
function nestLogger(logger: Logger): OpenStackLogger {
  // `requestId` is OpenStack's; renamed so it is not mistaken for our own request id (`reqId`).
  const fields = (message: string, context?: Record<string, unknown>) => {
    const { requestId, ...rest } = context ?? {};
    return { msg: message, ...rest, ...(requestId !== undefined && { openstackRequestId: requestId }) };
  };
  return {
    debug: (message, context) => {
      if (context && 'durationMs' in context) return;
      logger.debug(fields(message, context));
    },
    warn: (message, context) => logger.warn(fields(message, context)),
    error: (message, context) => logger.error(fields(message, context)),
  };
}

/** One line per upstream attempt; inside an HTTP request it carries that request's `reqId` too. */
function logRequest(logger: Logger, event: RequestEvent): void {
  logger.debug({
    msg: `${event.service} ${event.method} ${event.pathTemplate} -> ${event.status || event.fault}`,
    service: event.service,
    method: event.method,
    path: event.pathTemplate,
    status: event.status,
    durationMs: event.durationMs,
    openstackRequestId: event.requestId,
    attempt: event.attempt,
    ...(event.fault && { fault: event.fault }),
  });
}

/**
 * Provides the one `OpenStackClient` of the API to every feature. Building it does no I/O: the client
 * authenticates on its first call, so the API starts (and keeps serving) while the cloud is unreachable.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(openstackConfig), MetricsModule],
  providers: [
    {
      provide: OpenStackClient,
      inject: [openstackConfig.KEY, OpenStackMetrics],
      useFactory: (config: ConfigType<typeof openstackConfig>, metrics: OpenStackMetrics): OpenStackClient => {
        const logger = new Logger('OpenStack');
        logger.log(`Using ${describeCloudConfig(config.cloud)}`);
        return OpenStackClient.create(config.cloud, {
          logger: nestLogger(logger),
          ...(config.requestTimeoutMs !== undefined && { timeoutMs: config.requestTimeoutMs }),
          onRequest: (event) => {
            metrics.observe(event);
            logRequest(logger, event);
          },
        });
      },
    },
  ],
  exports: [OpenStackClient],
})
export class OpenStackModule implements OnApplicationShutdown {
  constructor(private readonly client: OpenStackClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
