import { Provider, signal } from '@angular/core';
import { ScheduleDto } from '@peak/api-client';
import { PROJECT_SCOPE, ProjectScope, WRITE_ACCESS } from '@peak/web/util';
import { Subject } from 'rxjs';
import { PageClock } from '../shared/page-clock';

/** A schedule as the API returns it, for component tests. */
export function aSchedule(overrides: Partial<ScheduleDto> = {}): ScheduleDto {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    name: 'Weekday mornings',
    description: '',
    imageId: 'img-1',
    flavorId: 'flv-1',
    networkIds: ['net-1'],
    instanceCount: 3,
    timeZone: 'Europe/Paris',
    leadTimeMinutes: 5,
    enabled: true,
    vmsKeptUntil: null,
    state: 'idle',
    window: { type: 'recurring', cron: '0 8 * * 1-5', durationMinutes: 120 },
    nextOccurrence: null,
    latestRun: null,
    deletingSince: null,
    projectId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    projectName: 'demo',
    domainId: 'default',
    createdBy: { id: 'u-1', name: 'alice' },
    updatedBy: null,
    delegatedBy: { id: 'u-1', name: 'alice' },
    launch: {},
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    version: 1,
    ...overrides,
  };
}

export const CATALOG = {
  images: [{ id: 'img-1', name: 'cirros', status: 'active', minDiskGiB: 0, minRamMiB: 0, visibility: 'public' }],
  flavors: [{ id: 'flv-1', name: 'standard', vcpus: 1, ramMiB: 1024, diskGiB: 10, isPublic: true, managed: 'standard' }],
  networks: [{ id: 'net-1', name: 'private', status: 'ACTIVE', shared: false, external: false, subnets: [] }],
};

/** Whether the user of a component test may change schedules (what the app reads from the session). */
export function provideWriteAccess(allowed: boolean): Provider {
  return { provide: WRITE_ACCESS, useValue: signal(allowed).asReadonly() };
}

/** Whether the user of a component test is a cloud admin, and of which project (what the app reads from the session). */
export function provideProjectScope(scope: ProjectScope): Provider {
  return { provide: PROJECT_SCOPE, useValue: signal(scope).asReadonly() };
}

export const CLOUD_ADMIN: ProjectScope = { cloudAdmin: true, projectName: 'admin' };
export const MEMBER_OF_DEMO: ProjectScope = { cloudAdmin: false, projectName: 'demo' };

/** A clock for component tests: it reads `set` times and ticks only when told. */
export function aPageClock(start: string) {
  let now = Date.parse(start);
  const ticks = new Subject<void>();
  return {
    clock: { now: () => now, ticks } satisfies PageClock,
    /** Moves the clock to `instant` and tells the pages. */
    set(instant: string): void {
      now = Date.parse(instant);
      ticks.next();
    },
  };
}
