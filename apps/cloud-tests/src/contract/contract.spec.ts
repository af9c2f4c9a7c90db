import { type CloudTarget, type Session, simulatorTarget } from '../support/target';
import { HTTP_SCENARIOS } from './http-scenarios';
import { runScenario } from './scenario';

/**
 * The contract's HTTP scenarios against the simulator alone (in `npm test`): each must pass there as it does on the
 * real cloud, where `contract.cloud.ts` also compares the shapes. The CLI scenarios run only in the cloud suite: the
 * same commands run against the simulator in libs/openstack-sim `openstack-cli.spec.ts`.
 */
describe('contract scenarios against the simulator', () => {
  let target: CloudTarget;
  let admin: Session;

  beforeAll(async () => {
    target = await simulatorTarget();
    admin = await target.login();
  });

  afterAll(() => target.close());

  it.each(HTTP_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const result = await runScenario(target, admin, scenario);
    if (result.error !== undefined) throw result.error;
    expect(result.cleanupErrors).toEqual([]);
    expect(result.observations.size).toBeGreaterThan(0);
  });
});
