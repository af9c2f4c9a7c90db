import fc from 'fast-check';
import { seedPropertyTests } from '@peak/testing';
import {
  dominantShortfall,
  FINAL_RUN_STATES,
  isFinalRunState,
  isLiveRunState,
  LIVE_RUN_STATES,
  nextRunState,
  RUN_STATES,
  type RunEvent,
  type RunState,
  SHORTFALL_REASONS,
} from './run-lifecycle';

seedPropertyTests(fc);

const event: fc.Arbitrary<RunEvent> = fc.oneof(
  fc.constant({ kind: 'start' as const }),
  fc.constant({ kind: 'miss' as const }),
  fc.constant({ kind: 'window-end' as const }),
  fc.record({ desired: fc.integer({ min: 1, max: 5 }), active: fc.integer({ min: 0, max: 5 }) }).chain(({ desired, active }) =>
    fc.record({
      kind: fc.constant('progress' as const),
      desired: fc.constant(desired),
      active: fc.constant(Math.min(active, desired)),
      shortfall: fc.option(fc.constantFrom(...SHORTFALL_REASONS), { nil: null }),
    }),
  ),
  fc.integer({ min: 1, max: 5 }).chain((desired) =>
    fc.record({
      kind: fc.constant('torn-down' as const),
      desired: fc.constant(desired),
      slotsUp: fc.integer({ min: 0, max: desired }),
      stopped: fc.boolean(),
    }),
  ),
);

describe('run lifecycle', () => {
  it('has disjoint live and final states that together are every state', () => {
    const live = new Set<string>(LIVE_RUN_STATES);
    expect(FINAL_RUN_STATES.filter((s) => live.has(s))).toEqual([]);
    expect([...RUN_STATES].sort()).toEqual([...LIVE_RUN_STATES, ...FINAL_RUN_STATES].sort());
    for (const state of RUN_STATES) expect(isLiveRunState(state)).toBe(!isFinalRunState(state));
  });

  it('never makes a final run live again, whatever happens to it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RUN_STATES), fc.array(event, { maxLength: 30 }), (start, events) => {
        let state: RunState = start;
        let reachedFinal: RunState | null = isFinalRunState(state) ? state : null;
        for (const e of events) {
          state = nextRunState(state, e);
          if (reachedFinal) expect(state).toBe(reachedFinal);
          else if (isFinalRunState(state)) reachedFinal = state;
        }
      }),
    );
  });

  it('makes a live run final only by its teardown or a missed window', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LIVE_RUN_STATES), event, (state, e) => {
        const next = nextRunState(state, e);
        if (isFinalRunState(next)) expect([e.kind, state]).toEqual(e.kind === 'miss' ? ['miss', 'pending'] : ['torn-down', 'tearing-down']);
      }),
    );
  });

  it('never goes back from tearing down to a provisioning state', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let state: RunState = 'tearing-down';
        for (const e of events) {
          state = nextRunState(state, e);
          expect(['tearing-down', ...FINAL_RUN_STATES]).toContain(state);
        }
      }),
    );
  });

  it.each<[RunState, RunEvent, RunState]>([
    ['pending', { kind: 'start' }, 'provisioning'],
    ['pending', { kind: 'miss' }, 'missed'],
    ['provisioning', { kind: 'miss' }, 'provisioning'],
    ['provisioning', { kind: 'progress', desired: 5, active: 3, shortfall: null }, 'provisioning'],
    ['provisioning', { kind: 'progress', desired: 5, active: 3, shortfall: 'quota' }, 'degraded'],
    ['degraded', { kind: 'progress', desired: 5, active: 3, shortfall: null }, 'provisioning'],
    ['degraded', { kind: 'progress', desired: 5, active: 5, shortfall: null }, 'active'],
    ['active', { kind: 'progress', desired: 5, active: 4, shortfall: 'attempts_exhausted' }, 'degraded'],
    ['active', { kind: 'torn-down', desired: 5, slotsUp: 5, stopped: false }, 'active'],
    ['degraded', { kind: 'window-end' }, 'tearing-down'],
    ['tearing-down', { kind: 'progress', desired: 5, active: 5, shortfall: null }, 'tearing-down'],
    ['tearing-down', { kind: 'torn-down', desired: 5, slotsUp: 5, stopped: false }, 'completed'],
    ['tearing-down', { kind: 'torn-down', desired: 5, slotsUp: 3, stopped: false }, 'partial'],
    ['tearing-down', { kind: 'torn-down', desired: 5, slotsUp: 0, stopped: false }, 'failed'],
    // Ended early by someone: never recorded as completed, however many VMs were up.
    ['tearing-down', { kind: 'torn-down', desired: 5, slotsUp: 5, stopped: true }, 'stopped'],
    ['tearing-down', { kind: 'torn-down', desired: 5, slotsUp: 0, stopped: true }, 'stopped'],
    ['active', { kind: 'torn-down', desired: 5, slotsUp: 5, stopped: true }, 'active'],
    ['stopped', { kind: 'start' }, 'stopped'],
    ['partial', { kind: 'window-end' }, 'partial'],
    ['completed', { kind: 'start' }, 'completed'],
  ])('%s + %o → %s', (state, e, expected) => {
    expect(nextRunState(state, e)).toBe(expected);
  });

  it('names the reason an operator can act on first', () => {
    expect(dominantShortfall([])).toBeNull();
    expect(dominantShortfall([null, 'window_ended', null])).toBe('window_ended');
    expect(dominantShortfall(['attempts_exhausted', 'cloud_error'])).toBe('cloud_error');
    expect(dominantShortfall(['window_ended', 'attempts_exhausted', 'quota', 'cloud_error'])).toBe('quota');
  });
});
