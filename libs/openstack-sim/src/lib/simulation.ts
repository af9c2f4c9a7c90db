import { randomUUID } from 'node:crypto';
import {
  type ActiveFault,
  DEFAULT_BEHAVIOUR,
  type FaultRule,
  type LatencyPhase,
  type SimBehaviour,
  type SimService,
  createRandom,
  routeMatches,
} from './behaviour';
import { RequestLog } from './request-log';
import { type ComputeQuotas, type SeedInput, type SimSeed, resolveSeed } from './seed';
import { SimState } from './state';

export interface SimulationInit {
  seed?: SeedInput;
  behaviour?: Partial<SimBehaviour>;
  faults?: FaultRule[];
}

/**
 * The simulated cloud and its knobs: state, behaviour, injected faults, request log.
 * Everything time-dependent is computed from the clock when asked, so nothing here holds a timer.
 */
export class Simulation {
  state!: SimState;
  behaviour!: SimBehaviour;
  faults: ActiveFault[] = [];
  random!: () => number;
  readonly log: RequestLog;
  private readonly seed: SimSeed;
  /** Added to `performance.now()` to get wall-clock time; re-anchored when the system clock moves. */
  private clockOffset = performance.timeOrigin;

  constructor(private readonly init: SimulationInit = {}) {
    this.seed = resolveSeed(init.seed);
    this.log = new RequestLog(DEFAULT_BEHAVIOUR.requestLogLimit);
    this.reset();
  }

  /**
   * Wall-clock epoch ms with sub-millisecond precision: the monotonic clock, kept within the millisecond
   * `Date.now()` reports, so log times stay comparable with other processes' clocks even after an NTP step.
   */
  now(): number {
    const monotonic = performance.now();
    const wall = Date.now();
    const precise = this.clockOffset + monotonic;
    if (precise >= wall && precise < wall + 1) return precise;
    this.clockOffset = wall - monotonic;
    return wall;
  }

  /**
   * Back to the seed and the start-up behaviour; clears servers, faults and the request log.
   * Issued tokens stay valid unless `keepTokens` is false, so clients holding one need not re-authenticate.
   */
  reset(keepTokens = true): void {
    // Trusts do not survive a reset, so neither do the tokens issued from them.
    const tokens = keepTokens && this.state ? [...this.state.tokens.values()].filter((t) => t.trustId === null) : [];
    this.state = new SimState(this.seed, Date.now());
    for (const token of tokens) this.state.tokens.set(token.id, token);
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...(this.init.behaviour ?? {}) };
    this.log.setLimit(this.behaviour.requestLogLimit);
    this.log.clear();
    this.random = createRandom(this.behaviour.randomSeed);
    this.faults = [];
    for (const rule of this.init.faults ?? []) this.addFault(rule);
  }

  configure(changes: Partial<SimBehaviour>): SimBehaviour {
    this.behaviour = { ...this.behaviour, ...changes };
    if (changes.requestLogLimit !== undefined) this.log.setLimit(changes.requestLogLimit);
    if (changes.randomSeed !== undefined) this.random = createRandom(changes.randomSeed);
    return this.behaviour;
  }

  addFault(rule: FaultRule): ActiveFault {
    const now = Date.now();
    const fault: ActiveFault = { ...rule, id: randomUUID(), createdAt: now, hits: 0 };
    if (rule.count !== undefined) fault.remaining = rule.count;
    if (rule.durationMs !== undefined) fault.until = now + rule.durationMs;
    this.faults.push(fault);
    return fault;
  }

  /** The active faults, after dropping the spent and expired ones. */
  activeFaults(): ActiveFault[] {
    const now = Date.now();
    this.faults = this.faults.filter((f) => (f.remaining === undefined || f.remaining > 0) && (f.until === undefined || now < f.until));
    return this.faults;
  }

  /** The fault that hits this request, if any; a hit uses up one of a `count` rule's calls. */
  faultFor(service: SimService, method: string, path: string): ActiveFault | undefined {
    for (const fault of this.activeFaults()) {
      if (!routeMatches(fault, service, method, path)) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      fault.hits += 1;
      return fault;
    }
    return undefined;
  }

  /** Total injected latency of one phase for this request, in ms (matching rules add up). */
  latencyFor(service: SimService, method: string, path: string, phase: LatencyPhase = 'request'): number {
    let total = 0;
    for (const rule of this.behaviour.latency) {
      if ((rule.phase ?? 'request') !== phase || !routeMatches(rule, service, method, path)) continue;
      total += rule.delayMs + (rule.jitterMs ? this.random() * rule.jitterMs : 0);
    }
    return total;
  }

  setQuotas(quotas: Partial<ComputeQuotas>, projectId?: string): void {
    if (projectId === undefined) this.state.defaultQuotas = { ...this.state.defaultQuotas, ...quotas };
    else this.state.projectQuotas.set(projectId, { ...(this.state.projectQuotas.get(projectId) ?? {}), ...quotas });
  }

  /** Cinder's `gigabytes` quota, the default or one project's. */
  setVolumeGigabytes(gigabytes: number, projectId?: string): void {
    if (projectId === undefined) this.state.defaultVolumeGigabytes = gigabytes;
    else this.state.projectVolumeGigabytes.set(projectId, gigabytes);
  }
}
