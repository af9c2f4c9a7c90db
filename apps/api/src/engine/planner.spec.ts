import type { Server } from '@peak/openstack-client';
import fc from 'fast-check';
import { seedPropertyTests } from '@peak/testing';
import { LIVE_RUN_STATES } from '../runs/run-lifecycle';
import { ownershipMetadata, ownershipOf, ownershipTags } from './ownership';
import {
  type Action,
  type BackoffView,
  copyRun,
  type DesiredWindow,
  groupByRun,
  isKept,
  type Launch,
  newSlot,
  plan,
  type PlanInput,
  type RunRecord,
  settleRun,
  type SlotRecord,
  VM_STATUS,
} from './planner';

seedPropertyTests(fc);

const NOW = new Date('2026-11-23T08:00:00Z');
const CURRENT_WINDOW = new Date(NOW.getTime() - 10 * 60_000);
const OLD_WINDOW = new Date(NOW.getTime() - 2 * 3600_000);
const LIMITS = { maxAttempts: 3, createGraceMs: 20_000, deleteRetryMs: 60_000, buildTimeoutMs: 600_000 };
const LAUNCH: Launch = { imageId: 'image', flavorId: 'flavor', networkIds: ['net'], trustId: null, project: null, options: {} };
const INSTALLATION = '5d1f3b8e-0c2a-4f7e-9a61-7b2c4d8e9f01';

/** Backoffs as plain maps, so a test can both read and apply them. */
class FakeBackoffs implements BackoffView {
  readonly until = new Map<string, number>();
  readonly deletes = new Map<string, number>();
  notBefore(id: string): number {
    return this.until.get(id) ?? 0;
  }
  deleteRequestedAt(serverId: string): number | undefined {
    return this.deletes.get(serverId);
  }
  /** Unless set, seen building since forever: the wall clock alone decides build timeouts. */
  readonly building = new Map<string, number>();
  buildingSince(serverId: string): number {
    return this.building.get(serverId) ?? Number.NEGATIVE_INFINITY;
  }
}

function server(id: string, owner: { scheduleId: string; runId: string; slot: number } | null, fields: Partial<Server> = {}): Server {
  return {
    id,
    name: id,
    status: 'ACTIVE',
    tags: owner ? ownershipTags({ ...owner, installationId: INSTALLATION }) : [],
    metadata: owner ? ownershipMetadata({ ...owner, installationId: INSTALLATION }, CURRENT_WINDOW) : {},
    addresses: {},
    created: new Date(NOW.getTime() - 60_000),
    securityGroups: [],
    volumeIds: [],
    configDrive: false,
    ...fields,
  };
}

function run(id: string, scheduleId: string, count: number, fields: Partial<RunRecord> = {}): RunRecord {
  const windowStart = fields.windowStart ?? CURRENT_WINDOW;
  return {
    id,
    scheduleId,
    state: 'provisioning',
    windowStart,
    windowEnd: new Date(windowStart.getTime() + 3600_000),
    desiredCount: count,
    readyAt: null,
    endedAt: null,
    tornDownAt: null,
    teardownOverdueAt: null,
    shortfallReason: null,
    lastErrorMessage: null,
    lastErrorRequestId: null,
    lastErrorAt: null,
    launch: null,
    serverGroupId: null,
    stoppedAt: null,
    vms: Array.from({ length: count }, (_, i) => newSlot(id, scheduleId, windowStart, i + 1, `${id}-slot-${i + 1}`)),
    ...fields,
  };
}

function want(scheduleId: string, count: number, windowStart = CURRENT_WINDOW): [string, DesiredWindow] {
  const windowEnd = new Date(windowStart.getTime() + 3600_000);
  return [
    scheduleId,
    { scheduleId, scheduleName: scheduleId, instanceCount: count, windowStart, windowEnd, provisionAt: windowStart, launch: LAUNCH },
  ];
}

function planOf(parts: { desired?: [string, DesiredWindow][]; runs?: RunRecord[]; servers?: Server[]; backoff?: FakeBackoffs }): Action[] {
  let next = 0;
  return plan(
    {
      now: NOW,
      t: NOW.getTime(),
      desired: new Map(parts.desired ?? []),
      runs: parts.runs ?? [],
      servers: parts.servers ?? [],
      backoff: parts.backoff ?? new FakeBackoffs(),
      limits: LIMITS,
    },
    () => `new-${++next}`,
  );
}

const kinds = (actions: Action[]) => actions.map((a) => a.kind).sort();
const creates = (actions: Action[]) => actions.filter((a): a is Extract<Action, { kind: 'create' }> => a.kind === 'create');
const deletes = (actions: Action[]) => actions.filter((a): a is Extract<Action, { kind: 'delete' }> => a.kind === 'delete');

describe('planner', () => {
  describe('cases', () => {
    it('creates one VM per empty slot of a run that just opened', () => {
      const actions = planOf({ desired: [want('s1', 3)], runs: [run('r1', 's1', 3)] });
      expect(creates(actions).map((a) => a.slotId)).toEqual(['r1-slot-1', 'r1-slot-2', 'r1-slot-3']);
      expect(creates(actions).every((a) => a.launch === LAUNCH && a.knownServerId === null)).toBe(true);
    });

    it("creates a run's VMs from the run's own copy of the launch, with the schedule's current trust", () => {
      // The schedule changed image and options after the run opened, and a member took its delegation over.
      const [id, wanted] = want('s1', 1);
      const changed: DesiredWindow = {
        ...wanted,
        launch: { ...LAUNCH, imageId: 'new-image', trustId: 'new-trust', options: { tags: ['changed'] } },
      };
      const copy = { imageId: 'image', flavorId: 'flavor', networkIds: ['net'], options: { keyName: 'ops', tags: ['exams'] } };
      const actions = planOf({ desired: [[id, changed]], runs: [run('r1', 's1', 1, { launch: copy })] });
      expect(creates(actions).map((a) => a.launch)).toEqual([{ ...copy, trustId: 'new-trust', project: null }]);
      // A run opened before launch options boots what the schedule says now.
      expect(creates(planOf({ desired: [[id, changed]], runs: [run('r2', 's1', 1)] }))[0]?.launch).toBe(changed.launch);
    });

    it('plans nothing for a run whose slots are all ACTIVE', () => {
      const r = run('r1', 's1', 2);
      const servers = r.vms.map((vm) => server(`vm${vm.slot}`, { scheduleId: 's1', runId: 'r1', slot: vm.slot }));
      r.vms.forEach((vm, i) => Object.assign(vm, { serverId: `vm${i + 1}`, status: 'ACTIVE', activeAt: NOW, createdAt: NOW }));
      expect(planOf({ desired: [want('s1', 2)], runs: [r], servers })).toEqual([]);
    });

    it('adopts a server found by its tags after a crash instead of creating another', () => {
      const r = run('r1', 's1', 1);
      const found = server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 }, { status: 'BUILD' });
      const actions = planOf({ desired: [want('s1', 1)], runs: [r], servers: [found] });
      expect(creates(actions)).toEqual([]);
      const tracked = actions.find((a) => a.kind === 'track');
      expect(tracked?.kind === 'track' && tracked.run.vms[0]).toMatchObject({ serverId: 'vm1', status: 'BUILD' });
    });

    it('waits for a create whose answer was lost, then tries again after the grace period', () => {
      const recent = run('r1', 's1', 1);
      Object.assign(recent.vms[0] as SlotRecord, { status: VM_STATUS.creating, createdAt: new Date(NOW.getTime() - 1000), attempts: 1 });
      expect(creates(planOf({ desired: [want('s1', 1)], runs: [recent] }))).toEqual([]);
      const old = copyRun(recent);
      Object.assign(old.vms[0] as SlotRecord, { createdAt: new Date(NOW.getTime() - LIMITS.createGraceMs - 1) });
      expect(creates(planOf({ desired: [want('s1', 1)], runs: [old] }))).toHaveLength(1);
    });

    it('times a build out on the monotonic clock: a wall-clock step forward fails no building VM', () => {
      const r = run('r1', 's1', 1);
      // The wall clock says the VM has been building for 15 minutes; it was first seen building a minute ago.
      const started = new Date(NOW.getTime() - 15 * 60_000);
      Object.assign(r.vms[0] as SlotRecord, { serverId: 'vm1', status: 'BUILD', attempts: 1, createdAt: started });
      const building = server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 }, { status: 'BUILD', created: started });
      const backoff = new FakeBackoffs();
      backoff.building.set('vm1', NOW.getTime() - 60_000);
      expect(deletes(planOf({ desired: [want('s1', 1)], runs: [r], servers: [building], backoff }))).toEqual([]);
      // Once the build has really lasted longer than the timeout, it has failed.
      backoff.building.set('vm1', NOW.getTime() - LIMITS.buildTimeoutMs - 1);
      expect(deletes(planOf({ desired: [want('s1', 1)], runs: [r], servers: [building], backoff }))).toEqual([
        { kind: 'delete', serverId: 'vm1', runId: 'r1' },
      ]);
    });

    it('does not ask again to delete a server whose delete Nova refused until its backoff is over', () => {
      const ended = run('r1', 's1', 1, { windowStart: OLD_WINDOW, state: 'tearing-down' });
      const left = server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 });
      const backoff = new FakeBackoffs();
      backoff.until.set('vm1', NOW.getTime() + 1);
      expect(deletes(planOf({ runs: [ended], servers: [left], backoff }))).toEqual([]);
      backoff.until.set('vm1', NOW.getTime());
      expect(deletes(planOf({ runs: [ended], servers: [left], backoff }))).toHaveLength(1);
    });

    it('replaces an ERROR VM: deletes it and backs the slot off before creating again', () => {
      const r = run('r1', 's1', 1);
      Object.assign(r.vms[0] as SlotRecord, { serverId: 'vm1', status: 'BUILD', attempts: 1, createdAt: NOW });
      const failed = server(
        'vm1',
        { scheduleId: 's1', runId: 'r1', slot: 1 },
        { status: 'ERROR', fault: { code: 500, message: 'No valid host' } },
      );
      const actions = planOf({ desired: [want('s1', 1)], runs: [r], servers: [failed] });
      expect(kinds(actions)).toEqual(['back-off-slot', 'delete', 'track']);
      expect(deletes(actions)).toEqual([{ kind: 'delete', serverId: 'vm1', runId: 'r1' }]);
    });

    it('gives a slot up after its last attempt, and creates no more', () => {
      const r = run('r1', 's1', 1);
      Object.assign(r.vms[0] as SlotRecord, { serverId: 'vm1', status: 'BUILD', attempts: LIMITS.maxAttempts, createdAt: NOW });
      const failed = server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 }, { status: 'ERROR' });
      const actions = planOf({ desired: [want('s1', 1)], runs: [r], servers: [failed] });
      expect(kinds(actions)).toEqual(['delete', 'track']);
      const tracked = actions.find((a) => a.kind === 'track');
      expect(tracked?.kind === 'track' && tracked.run.vms[0]).toMatchObject({
        status: VM_STATUS.gaveUp,
        shortfallReason: 'attempts_exhausted',
      });
    });

    it("counts Nova's quota recheck against the run, not the slot", () => {
      const r = run('r1', 's1', 1);
      Object.assign(r.vms[0] as SlotRecord, { serverId: 'vm1', status: 'BUILD', attempts: 1, createdAt: NOW });
      const fault = { code: 500, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' };
      const actions = planOf({
        desired: [want('s1', 1)],
        runs: [r],
        servers: [server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 }, { status: 'ERROR', fault })],
      });
      expect(kinds(actions)).toEqual(['back-off-run', 'delete', 'track']);
      const tracked = actions.find((a) => a.kind === 'track');
      expect(tracked?.kind === 'track' && tracked.run.vms[0]).toMatchObject({ attempts: 0, shortfallReason: 'quota' });
    });

    it('respects a backoff of the slot or of the run', () => {
      const backoff = new FakeBackoffs();
      backoff.until.set('r1', NOW.getTime() + 1);
      expect(creates(planOf({ desired: [want('s1', 2)], runs: [run('r1', 's1', 2)], backoff }))).toEqual([]);
      const slotOnly = new FakeBackoffs();
      slotOnly.until.set('r1-slot-1', NOW.getTime() + 1);
      expect(creates(planOf({ desired: [want('s1', 2)], runs: [run('r1', 's1', 2)], backoff: slotOnly })).map((a) => a.slotId)).toEqual([
        'r1-slot-2',
      ]);
    });

    it('grows and shrinks a live run with its schedule count', () => {
      const r = run('r1', 's1', 2);
      const servers = r.vms.map((vm) => server(`vm${vm.slot}`, { scheduleId: 's1', runId: 'r1', slot: vm.slot }));
      r.vms.forEach((vm, i) => Object.assign(vm, { serverId: `vm${i + 1}`, status: 'ACTIVE', activeAt: NOW }));
      expect(creates(planOf({ desired: [want('s1', 3)], runs: [r], servers })).map((a) => a.slotId)).toEqual(['new-1']);
      expect(deletes(planOf({ desired: [want('s1', 1)], runs: [r], servers }))).toEqual([{ kind: 'delete', serverId: 'vm2', runId: 'r1' }]);
    });

    it('tears down every VM of a window that is no longer wanted, and sweeps VMs of runs it does not know', () => {
      const r = run('r1', 's1', 2, { state: 'active' });
      const servers = [
        server('vm1', { scheduleId: 's1', runId: 'r1', slot: 1 }),
        server('vm2', { scheduleId: 's1', runId: 'r1', slot: 2 }),
        server('stray', { scheduleId: 's9', runId: 'gone', slot: 1 }),
      ];
      const actions = planOf({ desired: [], runs: [r], servers });
      expect(deletes(actions).sort((a, b) => a.serverId.localeCompare(b.serverId))).toEqual([
        { kind: 'delete', serverId: 'stray', runId: null },
        { kind: 'delete', serverId: 'vm1', runId: 'r1' },
        { kind: 'delete', serverId: 'vm2', runId: 'r1' },
      ]);
      const tracked = actions.find((a) => a.kind === 'track');
      expect(tracked?.kind === 'track' && tracked.run.state).toBe('tearing-down');
    });

    it('never touches a server without complete ownership marks', () => {
      const strangers = [
        server('plain', null),
        server('tag-only', null, { tags: ['peak-scheduler'] }),
        server('no-slot', null, { tags: ownershipTags({ installationId: INSTALLATION, scheduleId: 's1', runId: 'r1' }) }),
        server('metadata-only', null, {
          metadata: ownershipMetadata({ installationId: INSTALLATION, scheduleId: 's1', runId: 'r1', slot: 1 }, CURRENT_WINDOW),
        }),
      ];
      expect(planOf({ desired: [], runs: [], servers: strangers })).toEqual([]);
      expect(deletes(planOf({ desired: [], runs: [run('r1', 's1', 1, { state: 'active' })], servers: strangers }))).toEqual([]);
    });

    it('does not ask Nova again to delete a server it was asked to delete moments ago', () => {
      const backoff = new FakeBackoffs();
      backoff.deletes.set('stray', NOW.getTime() - 1000);
      expect(planOf({ servers: [server('stray', { scheduleId: 's9', runId: 'gone', slot: 1 })], backoff })).toEqual([]);
      backoff.deletes.set('stray', NOW.getTime() - LIMITS.deleteRetryMs - 1);
      expect(kinds(planOf({ servers: [server('stray', { scheduleId: 's9', runId: 'gone', slot: 1 })], backoff }))).toEqual(['delete']);
    });
  });

  describe('properties', () => {
    it('never plans more live VMs for a run than its schedule wants, and at most one create per slot', () => {
      fc.assert(
        fc.property(world, (w) => {
          const actions = plan(w.input, w.newId);
          for (const r of w.input.runs) {
            const wanted = w.input.desired.get(r.scheduleId);
            const runCreates = creates(actions).filter((a) => a.runId === r.id);
            if (!wanted || !isKept(r, w.input.desired)) {
              expect(runCreates).toEqual([]);
              continue;
            }
            expect(new Set(runCreates.map((a) => a.slotId)).size).toBe(runCreates.length);
            const deleted = new Set(deletes(actions).map((a) => a.serverId));
            const live = (groupByRun(w.input.servers).get(r.id) ?? []).filter(
              (s) =>
                !deleted.has(s.id) &&
                w.backoff.deleteRequestedAt(s.id) === undefined &&
                (ownershipOf(s)?.slot ?? 0) <= wanted.instanceCount,
            );
            const liveSlots = new Set(live.map((s) => ownershipOf(s)?.slot));
            expect(liveSlots.size + runCreates.length).toBeLessThanOrEqual(wanted.instanceCount);
          }
        }),
      );
    });

    it('never deletes a server without the ownership marks', () => {
      fc.assert(
        fc.property(world, (w) => {
          const strangers = new Set(w.input.servers.filter((s) => ownershipOf(s) === null).map((s) => s.id));
          for (const a of deletes(plan(w.input, w.newId))) expect(strangers.has(a.serverId)).toBe(false);
        }),
      );
    });

    it('never deletes, inside a live window, a healthy VM that its slot would then need again', () => {
      fc.assert(
        fc.property(world, (w) => {
          const actions = plan(w.input, w.newId);
          const deleted = new Set(deletes(actions).map((a) => a.serverId));
          for (const r of w.input.runs.filter((x) => isKept(x, w.input.desired))) {
            const count = w.input.desired.get(r.scheduleId)?.instanceCount ?? 0;
            const created = new Set(creates(actions).map((a) => a.slotId));
            for (const vm of r.vms.filter((x) => x.slot <= count)) {
              const healthy = (groupByRun(w.input.servers).get(r.id) ?? []).filter(
                (s) => ownershipOf(s)?.slot === vm.slot && isHealthy(s) && w.backoff.deleteRequestedAt(s.id) === undefined,
              );
              if (healthy.length === 0) continue;
              expect(created.has(vm.id)).toBe(false);
              expect(healthy.some((s) => !deleted.has(s.id))).toBe(true);
            }
          }
        }),
      );
    });

    it('plans a delete for every server of an ended window (unless one was just asked for) and no create', () => {
      fc.assert(
        fc.property(world, (w) => {
          const actions = plan(w.input, w.newId);
          const deleted = new Set(deletes(actions).map((a) => a.serverId));
          const byRun = groupByRun(w.input.servers);
          for (const r of w.input.runs.filter((x) => !isKept(x, w.input.desired))) {
            expect(creates(actions).filter((a) => a.runId === r.id)).toEqual([]);
            for (const s of byRun.get(r.id) ?? []) {
              const asked = w.backoff.deleteRequestedAt(s.id);
              if (asked === undefined || NOW.getTime() - asked > LIMITS.deleteRetryMs) expect(deleted.has(s.id)).toBe(true);
            }
          }
        }),
      );
    });

    it('is idempotent: planning again on the state its actions produce plans nothing', () => {
      fc.assert(
        fc.property(world, (w) => {
          const second = applyAndSettle(w, plan(w.input, w.newId));
          expect(plan(second, w.newId)).toEqual([]);
        }),
      );
    });
  });
});

function isHealthy(s: Server): boolean {
  const created = s.created?.getTime() ?? NOW.getTime();
  return s.status === 'ACTIVE' || (s.status === 'BUILD' && NOW.getTime() - created <= LIMITS.buildTimeoutMs);
}

interface World {
  input: PlanInput;
  backoff: FakeBackoffs;
  newId: () => string;
}

const SLOT_STATUSES = [VM_STATUS.pending, VM_STATUS.creating, 'BUILD', 'ACTIVE', 'ERROR', VM_STATUS.gaveUp] as const;

/**
 * Random engine states: up to three schedules, each wanting its current window or nothing; runs for the current
 * window or an old one, with slots in any status; servers of ours (up to two per slot, one past the count),
 * of runs nobody knows, and strangers with partial marks; backoffs and deletes already asked for.
 */
const world: fc.Arbitrary<World> = fc.gen().map((g) => {
  const backoff = new FakeBackoffs();
  const desired = new Map<string, DesiredWindow>();
  const runs: RunRecord[] = [];
  const servers: Server[] = [];
  const ago = (maxMs: number) => new Date(NOW.getTime() - g(fc.integer, { min: 0, max: maxMs }));
  let serial = 0;
  const addServer = (owner: { scheduleId: string; runId: string; slot: number } | null, extra: Partial<Server> = {}) => {
    const status = g(fc.constantFrom, 'ACTIVE', 'BUILD', 'ERROR');
    const fault =
      status === 'ERROR' ? { code: 500, message: g(fc.constantFrom, 'No valid host', 'Quota exceeded for instances') } : undefined;
    const s = server(`srv-${++serial}`, owner, { status, fault, created: ago(2 * LIMITS.buildTimeoutMs), ...extra });
    servers.push(s);
    if (g(fc.boolean)) backoff.deletes.set(s.id, ago(2 * LIMITS.deleteRetryMs).getTime());
    return s;
  };
  const schedules = g(fc.integer, { min: 1, max: 3 });
  for (let i = 1; i <= schedules; i++) {
    const scheduleId = `s${i}`;
    const count = g(fc.integer, { min: 1, max: 4 });
    if (g(fc.boolean)) desired.set(scheduleId, want(scheduleId, count)[1]);
    const window = g(fc.constantFrom, 'current', 'old', 'none');
    if (window === 'none') continue;
    const runCount = g(fc.integer, { min: 1, max: 4 });
    const r = run(`r${i}`, scheduleId, runCount, {
      windowStart: window === 'current' ? CURRENT_WINDOW : OLD_WINDOW,
      state: g(fc.constantFrom, ...LIVE_RUN_STATES),
    });
    for (const vm of r.vms) {
      const slotServers = Array.from({ length: g(fc.integer, { min: 0, max: 2 }) }, () =>
        addServer({ scheduleId, runId: r.id, slot: vm.slot }),
      );
      // A slot that knows its server sent the create just before Nova made it.
      const known = slotServers.length > 0 && g(fc.boolean) ? (slotServers[0] as Server) : null;
      Object.assign(vm, {
        status: g(fc.constantFrom, ...SLOT_STATUSES),
        attempts: g(fc.integer, { min: 0, max: LIMITS.maxAttempts }),
        createdAt: known ? (known.created ?? null) : g(fc.boolean) ? ago(2 * LIMITS.createGraceMs) : null,
        serverId: known?.id ?? null,
      });
      if (g(fc.boolean)) backoff.until.set(vm.id, NOW.getTime() + g(fc.integer, { min: -1000, max: 1000 }));
    }
    if (g(fc.boolean)) addServer({ scheduleId, runId: r.id, slot: runCount + 1 });
    if (g(fc.boolean)) backoff.until.set(r.id, NOW.getTime() + g(fc.integer, { min: -1000, max: 1000 }));
    runs.push(r);
  }
  if (g(fc.boolean)) addServer({ scheduleId: 's9', runId: 'unknown-run', slot: 1 });
  if (g(fc.boolean)) addServer(null);
  if (g(fc.boolean)) addServer(null, { tags: ['peak-scheduler'] });
  let next = 0;
  return {
    input: { now: NOW, t: NOW.getTime(), desired, runs, servers, backoff, limits: LIMITS },
    backoff,
    newId: () => `added-${++next}`,
  };
});

/**
 * What the engine does with a plan, at the same instant: creates give their slot a BUILD server, deletes remove
 * the server (and are remembered), backoffs hold their slot or run, then every run is settled and closed runs
 * leave the open list.
 */
function applyAndSettle(w: World, actions: Action[]): PlanInput {
  const runs = new Map(w.input.runs.map((r) => [r.id, copyRun(r)]));
  let servers = [...w.input.servers];
  for (const action of actions) {
    switch (action.kind) {
      case 'track':
        runs.set(action.run.id, copyRun(action.run));
        break;
      case 'back-off-slot':
        w.backoff.until.set(action.slotId, NOW.getTime() + 1000);
        break;
      case 'back-off-run':
        w.backoff.until.set(action.runId, NOW.getTime() + 1000);
        break;
      case 'reset-run-backoff':
      case 'create':
      case 'delete':
        break;
    }
  }
  for (const action of actions) {
    if (action.kind === 'delete') {
      w.backoff.deletes.set(action.serverId, NOW.getTime());
      servers = servers.filter((s) => s.id !== action.serverId);
    } else if (action.kind === 'create') {
      const r = runs.get(action.runId) as RunRecord;
      const vm = r.vms.find((x) => x.id === action.slotId) as SlotRecord;
      const id = `created-${vm.id}`;
      Object.assign(vm, { attempts: vm.attempts + 1, status: 'BUILD', createdAt: NOW, serverId: id });
      servers.push(server(id, { scheduleId: r.scheduleId, runId: r.id, slot: vm.slot }, { status: 'BUILD', created: NOW }));
    }
  }
  const byRun = groupByRun(servers);
  const open: RunRecord[] = [];
  for (const r of runs.values()) {
    const { run: settled, closed } = settleRun(r, byRun.get(r.id) ?? [], isKept(r, w.input.desired), NOW);
    if (!closed) open.push(settled);
  }
  return { ...w.input, runs: open, servers };
}
