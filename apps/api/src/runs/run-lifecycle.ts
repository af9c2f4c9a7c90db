/**
 * The life of a run, as a pure state machine (no Nest, no TypeORM): the engine derives every state change
 * from it, the repository's SQL and the API read its state sets. The diagram and the rules are in this
 * folder's README ("Run lifecycle").
 */

/** States in which the engine still works on a run. */
export const LIVE_RUN_STATES = ['pending', 'provisioning', 'active', 'degraded', 'tearing-down'] as const;
/** States a run ends in; it never leaves them, and the engine never touches it again. */
export const FINAL_RUN_STATES = ['completed', 'partial', 'failed', 'missed', 'stopped'] as const;
export const RUN_STATES = [...LIVE_RUN_STATES, ...FINAL_RUN_STATES] as const;

export type LiveRunState = (typeof LIVE_RUN_STATES)[number];
export type FinalRunState = (typeof FINAL_RUN_STATES)[number];
export type RunState = LiveRunState | FinalRunState;

/** Live states in which the schedule's VMs may exist in the cloud (a `pending` run has made none yet). */
export const RUN_STATES_WITH_VMS: readonly LiveRunState[] = ['provisioning', 'active', 'degraded', 'tearing-down'];

/**
 * Why a run has fewer VMs than it wants, or why a slot has none: the cloud refused for lack of quota, the
 * cloud failed otherwise, the slot used up its create attempts, or (for a slot closed empty) the window
 * ended before a VM could be made.
 */
export const SHORTFALL_REASONS = ['quota', 'cloud_error', 'attempts_exhausted', 'window_ended'] as const;
export type ShortfallReason = (typeof SHORTFALL_REASONS)[number];

/**
 * A VM's place in its run's load balancer pool: `pending` (not a member yet), `member` (added, not yet seen ONLINE),
 * `online`, `draining` (weight 0, its connections finishing), `removed` (left the pool; its VM may go).
 */
export const MEMBER_STATES = ['pending', 'member', 'online', 'draining', 'removed'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

const FINAL: ReadonlySet<string> = new Set(FINAL_RUN_STATES);

export function isFinalRunState(state: RunState): state is FinalRunState {
  return FINAL.has(state);
}

export function isLiveRunState(state: RunState): state is LiveRunState {
  return !FINAL.has(state);
}

/** What can happen to a run. */
export type RunEvent =
  /** The engine began provisioning the window. */
  | { readonly kind: 'start' }
  /** The window passed with no engine running: it is recorded, never run. */
  | { readonly kind: 'miss' }
  /** A pass inside the window counted the run's VMs: ACTIVE ones in its slots, and a reason if some are held back. */
  | { readonly kind: 'progress'; readonly desired: number; readonly active: number; readonly shortfall: ShortfallReason | null }
  /** The window ended (or its schedule was disabled or deleted): every VM must go. */
  | { readonly kind: 'window-end' }
  /**
   * No VM of the run is left in the cloud; `slotsUp` of its `desired` slots were ACTIVE at some point. `stopped`:
   * someone ended the window early (disabled or deleted its schedule during it, asking to stop now).
   */
  | { readonly kind: 'torn-down'; readonly desired: number; readonly slotsUp: number; readonly stopped: boolean };

/**
 * The state after `event`. Final states absorb every event; a live run becomes final only by `torn-down`
 * (from `tearing-down`) or `miss` (from `pending`).
 */
export function nextRunState(state: RunState, event: RunEvent): RunState {
  if (isFinalRunState(state)) return state;
  switch (event.kind) {
    case 'start':
      return state === 'pending' ? 'provisioning' : state;
    case 'miss':
      return state === 'pending' ? 'missed' : state;
    case 'progress':
      if (state === 'pending' || state === 'tearing-down') return state;
      if (event.active >= event.desired) return 'active';
      return event.shortfall ? 'degraded' : 'provisioning';
    case 'window-end':
      return 'tearing-down';
    case 'torn-down':
      if (state !== 'tearing-down') return state;
      if (event.stopped) return 'stopped';
      if (event.desired > 0 && event.slotsUp >= event.desired) return 'completed';
      return event.slotsUp > 0 ? 'partial' : 'failed';
  }
}

/**
 * The reason to show for several slots that lack a VM: a quota problem first (the operator can act on
 * it), then a cloud error, then exhausted attempts, then a window that simply ended.
 */
export function dominantShortfall(reasons: Iterable<ShortfallReason | null>): ShortfallReason | null {
  let best: ShortfallReason | null = null;
  for (const reason of reasons) {
    if (reason && (best === null || SHORTFALL_REASONS.indexOf(reason) < SHORTFALL_REASONS.indexOf(best))) best = reason;
  }
  return best;
}
