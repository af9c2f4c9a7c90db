import { Registry } from 'prom-client';
import { parsePrometheusText, samplesOf } from '../testing/prometheus-text';
import { EngineMetrics } from './engine-metrics';

describe(EngineMetrics.name, () => {
  let registry: Registry;
  let sut: EngineMetrics;

  beforeEach(() => {
    registry = new Registry();
    sut = new EngineMetrics(registry);
  });

  const scrape = async () => parsePrometheusText(await registry.metrics());

  it('declares every engine metric from the start, the leader gauge at 0', async () => {
    const families = await scrape();
    expect([...families.keys()].sort()).toEqual([
      'peak_dispatch_lateness_seconds',
      'peak_engine_delete_failures_total',
      'peak_engine_fenced_actions_total',
      'peak_engine_leader',
      'peak_engine_planned_schedules',
      'peak_engine_planning_seconds',
      'peak_pool_member_drain_seconds',
      'peak_pool_members',
      'peak_quota_errors_total',
      'peak_quota_shortfall_vms',
      'peak_runs_total',
      'peak_vms_active',
      'peak_vms_desired',
    ]);
    expect(samplesOf(families, 'peak_engine_leader')[0]?.value).toBe(0);
  });

  it('counts refused deletes and the cloud calls a replica did not send after losing the lease', async () => {
    sut.recordDeleteFailure();
    sut.recordDeleteFailure();
    sut.recordFenced(3);
    const families = await scrape();
    expect(samplesOf(families, 'peak_engine_delete_failures_total')[0]?.value).toBe(2);
    expect(samplesOf(families, 'peak_engine_fenced_actions_total')[0]?.value).toBe(3);
  });

  it('records lateness per action in seconds, an early start as 0', async () => {
    const planned = new Date('2030-03-01T07:55:00.000Z');
    sut.observeDispatchLateness(planned, new Date('2030-03-01T07:55:00.400Z'));
    sut.observeDispatchLateness(planned, new Date('2030-03-01T07:54:59.000Z'));
    sut.observeDispatchLateness(planned, new Date('2030-03-01T07:55:02.000Z'), 'teardown');

    const families = await scrape();
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_count', { action: 'provision' })[0]?.value).toBe(2);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_sum', { action: 'provision' })[0]?.value).toBeCloseTo(0.4, 9);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_bucket', { action: 'provision', le: '0.005' })[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_dispatch_lateness_seconds_sum', { action: 'teardown' })[0]?.value).toBe(2);
  });

  const demo = { id: 'p-demo', name: 'demo' };

  it('follows a renamed schedule with one series and drops a deleted one', async () => {
    sut.setScheduleVms({ id: 's1', name: 'exams', project: demo }, 10, 4);
    sut.setScheduleVms({ id: 's2', name: 'labs', project: null }, 2, 2);
    sut.setScheduleVms({ id: 's1', name: 'finals', project: demo }, 10, 10);

    let families = await scrape();
    expect(samplesOf(families, 'peak_vms_active', { schedule_id: 's1' })).toEqual([
      { name: 'peak_vms_active', labels: { schedule_id: 's1', schedule: 'finals', project_id: 'p-demo', project: 'demo' }, value: 10 },
    ]);
    expect(samplesOf(families, 'peak_vms_desired', { schedule_id: 's1' })).toHaveLength(1);
    expect(samplesOf(families, 'peak_vms_desired', { schedule_id: 's2' })[0]?.labels).toMatchObject({ project_id: '', project: '' });

    sut.forgetSchedule('s1');
    sut.forgetSchedule('unknown');
    families = await scrape();
    expect(samplesOf(families, 'peak_vms_desired').map((s) => s.labels['schedule_id'])).toEqual(['s2']);
    expect(samplesOf(families, 'peak_vms_active').map((s) => s.labels['schedule_id'])).toEqual(['s2']);
  });

  it('labels the series of a schedule with its project, and moves them when the project changes', async () => {
    sut.setScheduleVms({ id: 's1', name: 'exams', project: demo }, 3, 1);
    sut.setScheduleVms({ id: 's1', name: 'exams', project: { id: 'p-alt', name: null } }, 3, 2);

    const families = await scrape();
    expect(samplesOf(families, 'peak_vms_active').map((s) => s.labels)).toEqual([
      { schedule_id: 's1', schedule: 'exams', project_id: 'p-alt', project: 'p-alt' },
    ]);
  });

  it('reports quota shortfalls and refusals per project, and clears a project whose quota has room again', async () => {
    sut.recordQuotaError(demo);
    sut.recordQuotaError(demo);
    sut.recordQuotaError({ id: 'p-alt', name: 'alt' });
    sut.setQuotaShortfalls([
      { project: demo, vms: 3 },
      { project: { id: 'p-alt', name: 'alt' }, vms: 1 },
    ]);

    let families = await scrape();
    expect(samplesOf(families, 'peak_quota_errors_total', { project: 'demo' })[0]?.value).toBe(2);
    expect(samplesOf(families, 'peak_quota_errors_total', { project: 'alt' })[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_quota_shortfall_vms', { project_id: 'p-demo' })[0]?.value).toBe(3);

    sut.setQuotaShortfalls([{ project: { id: 'p-alt', name: 'alt' }, vms: 1 }]);
    families = await scrape();
    expect(samplesOf(families, 'peak_quota_shortfall_vms').map((s) => [s.labels['project'], s.value])).toEqual([['alt', 1]]);
  });

  it('counts finished runs by state, and reports leadership and planning passes', async () => {
    sut.recordRunFinished('completed');
    sut.recordRunFinished('completed');
    sut.recordRunFinished('missed');
    sut.setLeader(true);
    sut.observePlanningPass(40, 10_000);
    sut.observePlanningPass(8, 9_999);

    const families = await scrape();
    expect(samplesOf(families, 'peak_runs_total', { state: 'completed' })[0]?.value).toBe(2);
    expect(samplesOf(families, 'peak_runs_total', { state: 'missed' })[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_engine_leader')[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_engine_planning_seconds_count')[0]?.value).toBe(2);
    expect(samplesOf(families, 'peak_engine_planning_seconds_sum')[0]?.value).toBeCloseTo(0.048, 9);
    expect(samplesOf(families, 'peak_engine_planning_seconds_bucket', { le: '0.01' })[0]?.value).toBe(1);
    expect(samplesOf(families, 'peak_engine_planned_schedules')[0]?.value).toBe(9_999);

    sut.setLeader(false);
    expect(samplesOf(await scrape(), 'peak_engine_leader')[0]?.value).toBe(0);
  });
});
