import type { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { OpenStackClient } from '@peak/openstack-client';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from '../app/app.module';
import { configureApp } from '../app/configure-app';

export interface TestAppOptions {
  databaseUrl: string;
  /**
   * Extra environment for this app, e.g. the `OS_*` variables of a simulator. Without any `OS_*` here the app
   * gets {@link UNREACHABLE_CLOUD}.
   */
  env?: Record<string, string | undefined>;
  /** Last-resort overrides, e.g. an injected clock. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /**
   * Who the requests of the test are, when they carry no token of their own:
   * - `cloud-user` (the default when `env` names a reachable cloud): the app logs in to that cloud's Keystone as the `OS_*`
   *   user of `env` (the simulator's admin for `simulatorEnv`) and that real token is attached to every request
   *   sent without `X-Auth-Token` or `Authorization`; the guard validates it against Keystone like any other.
   * - `none` (the default with {@link UNREACHABLE_CLOUD}): requests go as sent, as in tests about authentication.
   */
  auth?: 'cloud-user' | 'none';
}

/**
 * A valid cloud configuration nobody listens to (port 9, discard), for tests that do not care about the cloud:
 * the API boots with it because the OpenStack client only connects on its first call.
 */
export const UNREACHABLE_CLOUD: Readonly<Record<string, string>> = {
  OS_AUTH_URL: 'http://127.0.0.1:9/v3',
  OS_USERNAME: 'peak-test',
  OS_PASSWORD: 'unused',
  OS_PROJECT_NAME: 'peak-test',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
};

/**
 * The whole API as main.ts builds it, on a test database, listening on an ephemeral loopback port.
 * Configuration is read from the environment at module init, so the environment is set first.
 */
export async function createTestApp(options: TestAppOptions): Promise<INestApplication> {
  // The developer's own OS_CLOUD or openrc must never reach a test: only the cloud the test names (or none).
  for (const key of Object.keys(process.env)) if (key.startsWith('OS_')) delete process.env[key];
  const namesCloud = Object.keys(options.env ?? {}).some((key) => key.startsWith('OS_'));
  Object.assign(process.env, {
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: '4',
    // The JSON request log would bury test output; a test that reads logs names its level in `env`.
    LOG_LEVEL: 'warn',
    // The engine acts on the cloud on its own timers; tests that are about it turn it on.
    ENGINE_ENABLED: 'false',
    // Tests that write runs themselves (playing the engine) read lists at once; the cache has its own test.
    SCHEDULER_LIST_CACHE_MS: '0',
    ...(namesCloud ? {} : UNREACHABLE_CLOUD),
    ...options.env,
  });
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete process.env[key];
  let builder = Test.createTestingModule({ imports: [AppModule] });
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  // Nobody answers at the unreachable cloud, so nobody can log in there: its tests use public routes only.
  const reachable = process.env['OS_AUTH_URL'] !== UNREACHABLE_CLOUD['OS_AUTH_URL'];
  if ((options.auth ?? (reachable ? 'cloud-user' : 'none')) === 'cloud-user') {
    const token = await cloudUserToken(app, process.env);
    // Registered before configureApp and Nest's own middleware, so the request log and the guard see the header.
    app.use((req: Request, _res: Response, next: NextFunction) => {
      if (req.headers['x-auth-token'] === undefined && req.headers.authorization === undefined) req.headers['x-auth-token'] = token;
      next();
    });
  }
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A real Keystone token of the cloud's `OS_*` user, through the app's own client (so the same Keystone). */
async function cloudUserToken(app: INestApplication, env: NodeJS.ProcessEnv): Promise<string> {
  const username = env['OS_USERNAME'];
  const password = env['OS_PASSWORD'];
  if (!username || !password) throw new Error("createTestApp: auth 'cloud-user' needs OS_USERNAME and OS_PASSWORD in env");
  const issued = await app.get(OpenStackClient).identity.authenticate({
    username,
    password,
    userDomainName: env['OS_USER_DOMAIN_NAME'] ?? 'Default',
    ...(env['OS_PROJECT_NAME'] && { projectName: env['OS_PROJECT_NAME'], projectDomainName: env['OS_PROJECT_DOMAIN_NAME'] ?? 'Default' }),
  });
  return issued.token;
}
