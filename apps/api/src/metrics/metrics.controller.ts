import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { MetricsAccess } from '../auth/access.decorators';

/**
 * `GET /metrics` in the Prometheus text format, outside the `/v1` prefix (see `configureApp`) and outside the
 * OpenAPI document: it is for the scraper, not for API clients.
 */
@ApiExcludeController()
// Prometheus scrapes without a Keystone token: public, or METRICS_TOKEN as a Bearer token when set.
@MetricsAccess()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
