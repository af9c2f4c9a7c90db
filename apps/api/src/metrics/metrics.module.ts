import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { CapacityMetrics } from './capacity-metrics';
import { EngineMetrics } from './engine-metrics';
import { HttpMetrics, HttpMetricsMiddleware } from './http-metrics.middleware';
import { createMetricsRegistry } from './metrics-registry';
import { MetricsController } from './metrics.controller';
import { OpenStackMetrics } from './openstack-metrics';
import { WebhookMetrics } from './webhook-metrics';

/**
 * Prometheus metrics of one API instance: `GET /metrics`, HTTP request durations, OpenStack call durations and
 * errors (`OpenStackMetrics`, fed by the OpenStack client), and the engine's figures (`EngineMetrics`, which the
 * engine injects), the capacity check's shortfall (`CapacityMetrics`), and webhook deliveries (`WebhookMetrics`). Global because every feature may count something, and one registry serves them all.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    HttpMetrics,
    HttpMetricsMiddleware,
    OpenStackMetrics,
    EngineMetrics,
    CapacityMetrics,
    WebhookMetrics,
  ],
  exports: [Registry, HttpMetricsMiddleware, OpenStackMetrics, EngineMetrics, CapacityMetrics, WebhookMetrics],
})
export class MetricsModule {}
