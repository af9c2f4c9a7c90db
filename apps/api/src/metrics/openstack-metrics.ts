import { Injectable } from '@nestjs/common';
import type { RequestEvent } from '@peak/openstack-client';
import { Counter, Histogram, Registry } from 'prom-client';

type OpenStackLabel = 'service' | 'method' | 'path' | 'status';

/** Nova and Keystone answer in tens of milliseconds when healthy; a slow cloud takes seconds, a stuck one times out. */
const OPENSTACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Every HTTP attempt the OpenStack client makes (retries included), fed by the client's `onRequest` hook.
 * `path` is the client's path template (`/servers/{id}`), so ids never become labels; `status` is `0` when no
 * answer arrived (timeout, refused connection), and then `fault` on the error counter says which.
 */
@Injectable()
export class OpenStackMetrics {
  private readonly duration: Histogram<OpenStackLabel>;
  private readonly errors: Counter<OpenStackLabel | 'fault'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'openstack_request_duration_seconds',
      help: 'Duration of HTTP calls to OpenStack, by service, method, path template and status (0: no answer).',
      labelNames: ['service', 'method', 'path', 'status'],
      buckets: OPENSTACK_BUCKETS,
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'openstack_request_errors_total',
      help: 'OpenStack calls that failed (no answer or status >= 400), by service, method, path template, status and fault.',
      labelNames: ['service', 'method', 'path', 'status', 'fault'],
      registers: [registry],
    });
  }

  observe(event: RequestEvent): void {
    const labels = { service: event.service, method: event.method, path: event.pathTemplate, status: String(event.status) };
    this.duration.observe(labels, event.durationMs / 1000);
    if (event.status === 0 || event.status >= 400) this.errors.inc({ ...labels, fault: event.fault ?? `HTTP ${event.status}` });
  }
}
