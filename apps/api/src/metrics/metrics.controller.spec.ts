import type { INestApplication } from '@nestjs/common';
import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { buildOpenApiDocument } from '../app/openapi';
import { parsePrometheusText, samplesOf, type PromFamily } from '../testing/prometheus-text';
import { simulatorEnv } from '../testing/simulator-env';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { EngineMetrics } from './engine-metrics';
import { MetricsController } from './metrics.controller';

async function scrape(app: INestApplication): Promise<Map<string, PromFamily>> {
  const res = await request(app.getHttpServer()).get('/metrics').expect(200);
  // Express reorders the parameters; what a scraper reads is the media type and the format version.
  const [mediaType, ...params] = String(res.headers['content-type']).split(/;\s*/);
  expect({ mediaType, params: params.sort() }).toEqual({ mediaType: 'text/plain', params: ['charset=utf-8', 'version=0.0.4'] });
  return parsePrometheusText(res.text);
}

function total(families: Map<string, PromFamily>, name: string, labels: Record<string, string>): number {
  return samplesOf(families, name, labels).reduce((sum, s) => sum + s.value, 0);
}

describe(MetricsController.name, () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let sut: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('metrics');
    sim = await startSimulator({ port: 0 });
    sut = await createTestApp({ databaseUrl: db.url, env: simulatorEnv(sim) });
  });

  afterAll(async () => {
    await sut?.close();
    await sim?.close();
    await db?.drop();
  });

  it('serves GET /metrics outside /v1 and outside the OpenAPI document', async () => {
    await request(sut.getHttpServer()).get('/v1/metrics').expect(404);
    expect(Object.keys(buildOpenApiDocument(sut).paths)).not.toContain('/metrics');
    const families = await scrape(sut);
    // Node's process metrics come with the registry.
    expect(samplesOf(families, 'process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0);
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });

  it('times HTTP requests by route template, never by raw path', async () => {
    const before = await scrape(sut);
    await request(sut.getHttpServer()).get('/v1/health').expect(200);
    await request(sut.getHttpServer()).get('/v1/health').expect(200);
    await request(sut.getHttpServer()).get('/v1/no-such-thing/42').expect(404);
    await request(sut.getHttpServer()).post('/v1/elsewhere').expect(404);
    // Outside the global prefix as well: the middleware is mounted at the root, ahead of every route.
    await request(sut.getHttpServer()).get('/elsewhere').expect(404);
    await request(sut.getHttpServer()).get('/docs-json').expect(200);

    const after = await scrape(sut);
    expect(after.get('http_request_duration_seconds')?.type).toBe('histogram');
    const health = { method: 'GET', route: '/v1/health', status: '200' };
    const added = (labels: Record<string, string>) =>
      total(after, 'http_request_duration_seconds_count', labels) - total(before, 'http_request_duration_seconds_count', labels);
    expect(added(health)).toBe(2);
    expect(total(after, 'http_request_duration_seconds_sum', health)).toBeGreaterThan(0);
    expect(added({ method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    expect(added({ method: 'GET', route: '/docs-json', status: '200' })).toBe(1);
    expect(added({ method: 'POST', route: 'unmatched', status: '404' })).toBe(1);
    const routes = samplesOf(after, 'http_request_duration_seconds_count').map((s) => s.labels['route']);
    expect(routes.filter((route) => route?.includes('no-such-thing') || route?.includes('elsewhere') || route?.includes('*'))).toEqual([]);
    // The scrape before this one was counted too, with its own template.
    expect(total(after, 'http_request_duration_seconds_count', { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('times every OpenStack call and counts the failed ones by service, method, path template and status', async () => {
    await sim.control.failNext(1, { service: 'image', method: 'GET', path: '/image/v2/images', status: 503 });
    const before = await scrape(sut);
    await request(sut.getHttpServer()).get('/v1/images?refresh=true').expect(200);

    const after = await scrape(sut);
    const ok = { service: 'image', method: 'GET', path: '/images', status: '200' };
    const failed = { service: 'image', method: 'GET', path: '/images', status: '503' };
    expect(
      total(after, 'openstack_request_duration_seconds_count', ok) - total(before, 'openstack_request_duration_seconds_count', ok),
    ).toBe(1);
    expect(
      total(after, 'openstack_request_duration_seconds_count', failed) - total(before, 'openstack_request_duration_seconds_count', failed),
    ).toBe(1);
    expect(total(after, 'openstack_request_errors_total', failed) - total(before, 'openstack_request_errors_total', failed)).toBe(1);
    expect(samplesOf(after, 'openstack_request_errors_total', failed)[0]?.labels['fault']).toMatch(/./);
    expect(total(after, 'openstack_request_errors_total', ok)).toBe(0);
    // The service token the client obtained on its first call.
    expect(
      total(after, 'openstack_request_duration_seconds_count', {
        service: 'identity',
        method: 'POST',
        path: '/v3/auth/tokens',
        status: '201',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("exposes the engine's figures once the engine reports them", async () => {
    const engine = sut.get(EngineMetrics);
    expect(samplesOf(await scrape(sut), 'peak_engine_leader')[0]?.value).toBe(0);

    engine.setLeader(true);
    engine.observeDispatchLateness(new Date('2030-01-01T08:00:00.000Z'), new Date('2030-01-01T08:00:00.120Z'));
    engine.setScheduleVms({ id: 'a1b2', name: 'exam "night"', project: { id: 'p1', name: 'demo' } }, 5, 3);
    engine.recordRunFinished('completed');
    engine.observePlanningPass(12, 10_000);

    const families = await scrape(sut);
    expect(samplesOf(families, 'peak_engine_leader')[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_sum', { action: 'provision' })[0]?.value).toBeCloseTo(0.12, 6);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_bucket', { action: 'provision', le: '0.1' })[0]?.value).toBe(0);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_bucket', { action: 'provision', le: '0.25' })[0]?.value).toBe(1);
    // Quotes in a schedule name are escaped, and the reader gets them back.
    expect(samplesOf(families, 'peak_vms_desired', { schedule_id: 'a1b2', schedule: 'exam "night"' })[0]?.value).toBe(5);
    expect(samplesOf(families, 'peak_vms_active', { schedule_id: 'a1b2', project: 'demo' })[0]?.value).toBe(3);
    expect(samplesOf(families, 'peak_runs_total', { state: 'completed' })[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_engine_planning_seconds_count')[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_engine_planned_schedules')[0]?.value).toBe(10_000);
  });

  it('keeps one registry per app, so a second app in the same process starts from zero', async () => {
    const other = await createTestApp({ databaseUrl: db.url, env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false' } });
    try {
      other.get(EngineMetrics).recordRunFinished('failed');
      const families = await scrape(other);
      expect(samplesOf(families, 'peak_runs_total', { state: 'completed' })).toEqual([]);
      expect(samplesOf(families, 'peak_runs_total', { state: 'failed' })[0]?.value).toBe(1);
      expect(samplesOf(await scrape(sut), 'peak_runs_total', { state: 'failed' })).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
