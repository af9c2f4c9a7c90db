import { MAX_MINOR, MIN_MINOR, formatMicroversion, parseMicroversion } from './services/compute/microversions';

/**
 * The simulated services, named by their path prefix (devstack style): the catalog type too, but for Cinder at
 * `/volume`, whose catalog type is `block-storage`. Octavia is at `/load-balancer`, its catalog type.
 */
export type SimService = 'identity' | 'compute' | 'image' | 'network' | 'volume' | 'load-balancer';

export const SIM_SERVICES: readonly SimService[] = ['identity', 'compute', 'image', 'network', 'volume', 'load-balancer'];

/** The highest Nova microversion simulated, as the configuration spells it. */
export const MAX_COMPUTE_MICROVERSION = formatMicroversion(MAX_MINOR);

/** Which requests a rule applies to. Every given field must match; an empty match applies to every OpenStack request. */
export interface RouteMatch {
  service?: SimService;
  /** HTTP method, case-insensitive. */
  method?: string;
  /**
   * The request path (no query), as sent, e.g. `/compute/v2.1/servers`. A trailing slash is ignored.
   * `*` matches within one path segment, `**` across segments: `/compute/v2.1/servers/*`, `/image/**`.
   */
  path?: string;
}

/**
 * Adds `delayMs` (plus up to `jitterMs`, uniformly) to matching requests. Matching rules of one phase add up.
 * `phase` `request` (default) waits before the request is handled (nothing has changed yet); `response` handles it at
 * once and holds the answer, as a slow network back would: the change is made, the caller does not know yet.
 */
export interface LatencyRule extends RouteMatch {
  delayMs: number;
  jitterMs?: number;
  phase?: LatencyPhase;
}

export type LatencyPhase = 'request' | 'response';

/**
 * Makes matching requests fail. With `count`, only the next N matching calls fail; with `durationMs`, every matching
 * call fails for that long from when the rule is added (an outage); with `probability`, each matching call fails
 * with that chance. They combine (e.g. `probability` within a `durationMs` window); with none, the rule stays until removed.
 */
export interface FaultRule extends RouteMatch {
  /** `respond` (default) answers `status` with the service's own error body; `drop` destroys the connection without an answer. */
  mode?: 'respond' | 'drop';
  /** Default 503. */
  status?: number;
  /** Message in the error body; a generic one for the status when omitted. */
  message?: string;
  count?: number;
  durationMs?: number;
  probability?: number;
}

/** A fault rule as stored: with its id and what is left of it. */
export interface ActiveFault extends FaultRule {
  id: string;
  /** Epoch ms the rule was added. */
  createdAt: number;
  /** For `count` rules: how many calls will still fail. */
  remaining?: number;
  /** For `durationMs` rules: epoch ms the outage ends. */
  until?: number;
  /** How many calls this rule failed so far. */
  hits: number;
}

export type PolicyDefaults = 'new' | 'legacy';

/** Every behaviour knob of the simulator; all can be changed at run time through `/_sim/config`. */
export interface SimBehaviour {
  /** How long a new server stays `BUILD` before it turns `ACTIVE` (or `ERROR`). */
  buildDelayMs: number;
  /** How long a deleted server stays visible (task_state `deleting`) before it answers 404. */
  deleteDelayMs: number;
  /**
   * How long a server whose deletion ended is still shown, as `DELETED` (vm_state `deleted`), by the server list and
   * show before it answers 404 (default 0). A busy real Nova does this for a moment between marking the instance
   * deleted and removing its row; its actions already answer 404.
   */
  deletedListedMs: number;
  /** Probability (0..1) that a new server ends in `ERROR` instead of `ACTIVE`. */
  serverErrorRate: number;
  /** The `fault.message` of servers that end in `ERROR`. */
  serverFaultMessage: string;
  /** Lifetime of new Keystone tokens. */
  tokenTtlSeconds: number;
  /**
   * The highest Nova microversion announced and accepted, `2.1`..`2.96` (default `2.96`); lower it to act like an
   * older cloud, e.g. `2.93` for Zed.
   */
  computeMaxMicroversion: string;
  /**
   * Nova's policy defaults: `new` (default; what current releases enforce: a `reader` may only look) or `legacy`
   * (Zed and older as shipped, `enforce_new_defaults = False`: any role on the project may create, change and delete
   * its servers, as on the real Zed harness). Admin-only APIs (flavors, quotas) need `admin` either way.
   */
  policyDefaults: PolicyDefaults;
  /**
   * Whether Cinder (`block-storage`) is in the catalog and Nova can boot servers from volumes (default true). Off, the
   * catalog lacks it, as on the real Zed harness, and `/volume` answers 404.
   */
  blockStorage: boolean;
  /** Whether Octavia (`load-balancer`) is in the catalog (default true). Off, the catalog lacks it and `/load-balancer` answers 404. */
  loadBalancer: boolean;
  /**
   * How long a load balancer (and the pool) stays `PENDING_UPDATE` after a member is created, updated or deleted, or
   * a batch update (default 200): the time Octavia takes to push the change to the amphorae. Writes get 409 meanwhile.
   */
  loadBalancerUpdateDelayMs: number;
  /**
   * How long the fake health monitor takes to find a member's server up (`ONLINE`) or not (`ERROR`) after the member
   * is added or its server becomes ACTIVE (default 500); `OFFLINE` until then.
   */
  memberOnlineDelayMs: number;
  latency: LatencyRule[];
  /** How many entries the request log keeps (oldest dropped first). */
  requestLogLimit: number;
  /** Seed of the random generator behind error rates and fault probabilities; random when omitted. */
  randomSeed?: number;
}

export const DEFAULT_BEHAVIOUR: Readonly<SimBehaviour> = {
  buildDelayMs: 1000,
  deleteDelayMs: 500,
  deletedListedMs: 0,
  serverErrorRate: 0,
  serverFaultMessage: 'No valid host was found. There are not enough hosts available.',
  tokenTtlSeconds: 3600,
  computeMaxMicroversion: MAX_COMPUTE_MICROVERSION,
  policyDefaults: 'new',
  blockStorage: true,
  loadBalancer: true,
  loadBalancerUpdateDelayMs: 200,
  memberOnlineDelayMs: 500,
  latency: [],
  requestLogLimit: 10_000,
};

/** Every knob name, `randomSeed` (which has no default) included. */
export const BEHAVIOUR_KEYS = [...Object.keys(DEFAULT_BEHAVIOUR), 'randomSeed'] as (keyof SimBehaviour)[];

/** Checks a (partial) behaviour from a user; returns the problems found, empty when fine. */
export function validateBehaviour(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const known = new Set<string>(BEHAVIOUR_KEYS);
  for (const [key, value] of Object.entries(input)) {
    if (!known.has(key)) {
      problems.push(`unknown setting '${key}'`);
      continue;
    }
    switch (key) {
      case 'buildDelayMs':
      case 'deleteDelayMs':
      case 'deletedListedMs':
      case 'loadBalancerUpdateDelayMs':
      case 'memberOnlineDelayMs':
      case 'tokenTtlSeconds':
      case 'requestLogLimit':
      case 'randomSeed':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) problems.push(`'${key}' must be a number >= 0`);
        break;
      case 'serverErrorRate':
        if (!isProbability(value)) problems.push(`'${key}' must be a number between 0 and 1`);
        break;
      case 'serverFaultMessage':
        if (typeof value !== 'string') problems.push(`'${key}' must be a string`);
        break;
      case 'computeMaxMicroversion': {
        const minor = typeof value === 'string' && /^2\.\d+$/.test(value) ? parseMicroversion(value) : NaN;
        if (!(minor >= MIN_MINOR && minor <= MAX_MINOR)) {
          problems.push(`'${key}' must be a microversion between ${formatMicroversion(MIN_MINOR)} and ${MAX_COMPUTE_MICROVERSION}`);
        }
        break;
      }
      case 'policyDefaults':
        if (value !== 'new' && value !== 'legacy') problems.push(`'${key}' must be 'new' or 'legacy'`);
        break;
      case 'blockStorage':
      case 'loadBalancer':
        if (typeof value !== 'boolean') problems.push(`'${key}' must be true or false`);
        break;
      case 'latency':
        if (!Array.isArray(value)) problems.push(`'latency' must be an array of rules`);
        else value.forEach((rule, i) => problems.push(...validateLatencyRule(rule).map((p) => `latency[${i}]: ${p}`)));
        break;
    }
  }
  return problems;
}

function validateMatch(rule: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (rule['service'] !== undefined && !SIM_SERVICES.includes(rule['service'] as SimService)) {
    problems.push(`'service' must be one of ${SIM_SERVICES.join(', ')}`);
  }
  for (const key of ['method', 'path'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'string') problems.push(`'${key}' must be a string`);
  }
  return problems;
}

export function validateLatencyRule(input: unknown): string[] {
  if (!isRecord(input)) return ['must be an object'];
  const problems = validateMatch(input);
  const known = new Set(['service', 'method', 'path', 'delayMs', 'jitterMs', 'phase']);
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push(`unknown field '${key}'`);
  if (!isNonNegative(input['delayMs'])) problems.push(`'delayMs' must be a number >= 0`);
  if (input['jitterMs'] !== undefined && !isNonNegative(input['jitterMs'])) problems.push(`'jitterMs' must be a number >= 0`);
  if (input['phase'] !== undefined && input['phase'] !== 'request' && input['phase'] !== 'response') {
    problems.push(`'phase' must be 'request' or 'response'`);
  }
  return problems;
}

export function validateFaultRule(input: unknown): string[] {
  if (!isRecord(input)) return ['must be an object'];
  const problems = validateMatch(input);
  const known = new Set(['service', 'method', 'path', 'mode', 'status', 'message', 'count', 'durationMs', 'probability']);
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push(`unknown field '${key}'`);
  if (input['mode'] !== undefined && input['mode'] !== 'respond' && input['mode'] !== 'drop') {
    problems.push(`'mode' must be 'respond' or 'drop'`);
  }
  const status = input['status'];
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)) {
    problems.push(`'status' must be an HTTP error status (400..599)`);
  }
  if (input['message'] !== undefined && typeof input['message'] !== 'string') problems.push(`'message' must be a string`);
  const count = input['count'];
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    problems.push(`'count' must be an integer >= 1`);
  }
  if (input['durationMs'] !== undefined && !isNonNegative(input['durationMs'])) problems.push(`'durationMs' must be a number >= 0`);
  if (input['probability'] !== undefined && !isProbability(input['probability'])) {
    problems.push(`'probability' must be a number between 0 and 1`);
  }
  return problems;
}

/** Compiles a path pattern (see `RouteMatch.path`) to a regular expression. */
export function compilePathPattern(pattern: string): RegExp {
  const normalized = stripTrailingSlash(pattern);
  const source = normalized
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Whether a request (service, method, path) is selected by `match`. Patterns are compiled once per pattern string. */
export function routeMatches(match: RouteMatch, service: SimService, method: string, path: string): boolean {
  if (match.service !== undefined && match.service !== service) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path !== undefined && !patternCache(match.path).test(stripTrailingSlash(path))) return false;
  return true;
}

const compiledPatterns = new Map<string, RegExp>();
function patternCache(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = compilePathPattern(pattern);
    // Patterns come from a handful of test/benchmark rules; the bound only guards against a runaway caller.
    if (compiledPatterns.size > 1000) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** A small seedable generator (mulberry32), so error rates can be reproduced in benchmarks. */
export function createRandom(seed: number = Math.floor(Math.random() * 2 ** 32)): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isProbability(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= 1;
}
