import { randomBytes } from 'node:crypto';
import type { HttpResult } from '../support/http';
import { type ObserveOptions, type Observation, observe } from '../support/shape';
import { type CloudTarget, type ServiceType, type Session, TEST_PREFIX } from '../support/target';

/**
 * One contract scenario: calls a cloud the way a client does, asserts what must hold on any OpenStack (with jest's
 * `expect`), and records the answers whose shape is compared between the simulator and the real cloud.
 */
export interface Scenario {
  name: string;
  /** Scenarios of one group run one after another (e.g. the CLI's, each starting Python); groups run at once. */
  group?: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioContext {
  readonly target: CloudTarget;
  /** An admin session of this target (project `admin`). */
  readonly admin: Session;
  /** Records an answer under `label` (unique within the scenario) and returns it. */
  record<T extends HttpResult>(label: string, response: T, options?: ObserveOptions): T;
  /** Records something already observed (CLI output). */
  recordObservation(label: string, observation: Observation): void;
  /** A name for something this scenario creates: prefixed, so leftovers are found, and unique per run. */
  name(what: string): string;
  /** Runs after the scenario, passed or failed, last registered first. */
  defer(cleanup: () => Promise<unknown>): void;
  /** A URL with the target's service roots and ids replaced, so both targets' URLs compare. */
  normalizeUrl(url: string): string;
  /** Text (an error message) with the URLs in it normalised and this suite's generated names replaced by `{name}`. */
  normalizeText(text: string): string;
}

export interface ScenarioResult {
  scenario: string;
  target: CloudTarget['kind'];
  observations: Map<string, Observation>;
  /** The recorded answers' bodies, for a person reading a difference (`CLOUD_TESTS_DUMP_DIR`). */
  bodies: Map<string, unknown>;
  error?: unknown;
  cleanupErrors: unknown[];
  durationMs: number;
}

const SERVICES: ServiceType[] = ['identity', 'compute', 'image', 'network', 'load-balancer'];

export async function runScenario(target: CloudTarget, admin: Session, scenario: Scenario): Promise<ScenarioResult> {
  const started = Date.now();
  const observations = new Map<string, Observation>();
  const bodies = new Map<string, unknown>();
  const cleanups: (() => Promise<unknown>)[] = [];
  const run = randomBytes(3).toString('hex');
  const roots = SERVICES.map((type) => [admin.root(type), `{${type}}`] as const).sort((a, b) => b[0].length - a[0].length);
  const normalizeUrl = (url: string) => {
    let out = url;
    for (const [root, placeholder] of roots) if (out.startsWith(root)) out = placeholder + out.slice(root.length);
    return out.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{uuid}').replace(/\b[0-9a-f]{32}\b/g, '{hex}');
  };
  const put = (label: string, observation: Observation) => {
    if (observations.has(label)) throw new Error(`scenario ${scenario.name} records ${label} twice`);
    observations.set(label, observation);
  };
  const ctx: ScenarioContext = {
    target,
    admin,
    record: (label, response, options) => {
      put(label, observe(response, { normalizeUrl, ...options }));
      bodies.set(label, response.body);
      return response;
    },
    recordObservation: put,
    name: (what) => `${TEST_PREFIX}${what}-${run}`,
    defer: (cleanup) => cleanups.push(cleanup),
    normalizeUrl,
    normalizeText: (text) =>
      text.replace(/https?:\/\/[^\s,]+/g, (url) => normalizeUrl(url)).replace(new RegExp(`${TEST_PREFIX}[a-z0-9-]+`, 'g'), '{name}'),
  };
  let error: unknown;
  try {
    await scenario.run(ctx);
  } catch (e) {
    error = e;
  }
  const cleanupErrors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (e) {
      cleanupErrors.push(e);
    }
  }
  return { scenario: scenario.name, target: target.kind, observations, bodies, error, cleanupErrors, durationMs: Date.now() - started };
}

/** Runs every scenario against one target: groups one after another inside, everything else at once. */
export async function runScenarios(target: CloudTarget, admin: Session, scenarios: readonly Scenario[]): Promise<ScenarioResult[]> {
  const chains = new Map<string, Promise<unknown>>();
  return Promise.all(
    scenarios.map((scenario) => {
      if (scenario.group === undefined) return runScenario(target, admin, scenario);
      const previous = chains.get(scenario.group) ?? Promise.resolve();
      const result = previous.then(() => runScenario(target, admin, scenario));
      chains.set(scenario.group, result);
      return result;
    }),
  );
}
