import type { INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { CloudConfigError, OpenStackClient, OpenStackError } from '@peak/openstack-client';
import { startSimulator } from '@peak/openstack-sim';
import { createTestApp, UNREACHABLE_CLOUD } from '../testing/test-app';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { OpenStackModule } from './openstack.module';

/** Boots the module alone (no database, whose pool an aborted boot would leave connecting) on `env` as the only OS_* settings. */
async function bootModule(env: Record<string, string>): Promise<OpenStackClient> {
  for (const key of Object.keys(process.env)) if (key.startsWith('OS_')) delete process.env[key];
  Object.assign(process.env, env);
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), OpenStackModule],
  }).compile();
  return moduleRef.get(OpenStackClient);
}

describe('OpenStackModule', () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('openstack_module');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await db.drop();
  });

  it('provides one OpenStackClient built from OS_* and starts while the cloud is unreachable', async () => {
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...UNREACHABLE_CLOUD, OS_REGION_NAME: 'RegionOne', OPENSTACK_TIMEOUT_MS: '2000' },
    });
    const sut = app.get(OpenStackClient);
    expect(sut.config).toMatchObject({
      cloudName: 'envvars',
      regionName: 'RegionOne',
      auth: { authUrl: 'http://127.0.0.1:9/v3', username: 'peak-test' },
    });
    // The first call is the first connection attempt, and it fails as a typed, retryable error.
    const error: unknown = await sut.compute.listFlavors().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenStackError);
    expect(error).toMatchObject({ service: 'identity', status: 0, fault: 'ConnectionError' });
  });

  it("talks to the cloud named by the test's OS_* variables (the simulator)", async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      app = await createTestApp({
        databaseUrl: db.url,
        env: {
          OS_AUTH_URL: sim.authUrl,
          OS_USERNAME: 'demo',
          OS_PASSWORD: 'secret',
          OS_PROJECT_NAME: 'demo',
          OS_USER_DOMAIN_NAME: 'Default',
          OS_PROJECT_DOMAIN_NAME: 'Default',
        },
      });
      const sut = app.get(OpenStackClient);
      await expect(sut.compute.findFlavorByName('m1.small')).resolves.toMatchObject({ id: '2', ramMiB: 2048 });
      await expect(sut.identity.serviceToken()).resolves.toMatchObject({ user: { name: 'demo' }, project: { name: 'demo' } });
    } finally {
      await app?.close();
      app = undefined;
      await sim.close();
    }
  });

  it('fails start-up with the loader message when no cloud is configured', async () => {
    const boot = bootModule({});
    await expect(boot).rejects.toBeInstanceOf(CloudConfigError);
    await expect(boot).rejects.toThrow(/No OpenStack cloud configured[\s\S]*OS_CLOUD[\s\S]*OS_AUTH_URL/);
  });

  it('names what is missing from an incomplete configuration', async () => {
    await expect(bootModule({ OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'x' })).rejects.toThrow(
      /OS_PASSWORD is missing[\s\S]*OS_PROJECT_NAME \(or OS_PROJECT_ID\) is missing/,
    );
  });

  it('rejects an invalid OPENSTACK_TIMEOUT_MS', async () => {
    process.env['OPENSTACK_TIMEOUT_MS'] = 'soon';
    try {
      await expect(bootModule(UNREACHABLE_CLOUD)).rejects.toThrow(/OPENSTACK_TIMEOUT_MS: must be an integer/);
    } finally {
      delete process.env['OPENSTACK_TIMEOUT_MS'];
    }
  });
});
