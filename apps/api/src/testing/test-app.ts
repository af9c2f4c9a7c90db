import type { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { OpenStackClient } from '@peak/openstack-client';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from '../app/app.module';
import { configureApp } from '../app/configure-app';
import { PeakExpressAdapter } from '../app/express-adapter';
import { buildOpenApiDocument } from '../app/openapi';
import { ResponseContract } from './response-contract';

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
  const app = moduleRef.createNestApplication(new PeakExpressAdapter(), { logger: ['error', 'warn'] });
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
  const recorder = recordAnswers(app);
  configureApp(app);
  recorder.start(new ResponseContract(buildOpenApiDocument(app)));
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * Every answer the test app gives is checked against the API's own OpenAPI document ({@link ResponseContract}).
 * A mismatch is printed at once with the request that got it, and fails the test file when it closes the app.
 */
function recordAnswers(app: INestApplication): { start(contract: ResponseContract): void } {
  let contract: ResponseContract | undefined;
  const violations: string[] = [];
  // Registered before Nest's own middleware, so it sees every answer, the guard's and the body parser's refusals too.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
        chunks.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
        );
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.write = ((...args: unknown[]) => (keep(args[0], args[1]), write(...args))) as Response['write'];
    res.end = ((...args: unknown[]) => (keep(args[0], args[1]), end(...args))) as Response['end'];
    res.on('finish', () => {
      if (!contract) return;
      let found: string[];
      try {
        found = contract.check({
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          headers: res.getHeaders(),
          body: Buffer.concat(chunks),
        });
      } catch (error) {
        found = [`${req.method} ${req.originalUrl} → ${res.statusCode}: not checkable (${(error as Error).message})`];
      }
      for (const line of found) console.error(`answer outside the OpenAPI document: ${line}`);
      violations.push(...found);
    });
    next();
  });
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    if (violations.length > 0) throw new Error(`answers outside the OpenAPI document:\n${[...new Set(violations)].join('\n')}`);
  };
  return { start: (c) => (contract = c) };
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
