import { Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { AppModule } from './app/app.module';
import { configureApp } from './app/configure-app';
import { buildOpenApiDocument } from './app/openapi';
import { appConfig } from './config/app.config';
import { EmbeddedPostgres } from './database/embedded-postgres';

const logger = new Logger('Main');

/** `main.js --export-openapi <file>`: writes the spec without connecting to anything. */
async function exportOpenApi(file: string): Promise<void> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false });
  configureApp(app);
  writeFileSync(file, JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n');
  await app.close();
}

async function bootstrap(): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  if (!process.env['DATABASE_URL']) {
    embedded = await EmbeddedPostgres.start(process.env['EMBEDDED_DB_DIR'] ?? '.data/pglite');
    // The rest of the app reads its database from the environment like in any other deployment.
    process.env['DATABASE_URL'] = embedded.url;
    process.env['DATABASE_POOL_SIZE'] = '1';
    process.env['DATABASE_EMBEDDED'] = 'true';
  }

  const app = configureApp(await NestFactory.create(AppModule, { bufferLogs: true }));
  const { host, port } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));

  await app.listen(port, host);
  logger.log(`Peak Scheduler API on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/v1 (docs at /docs)`);
}

const exportIndex = process.argv.indexOf('--export-openapi');
const run = exportIndex >= 0 ? exportOpenApi(process.argv[exportIndex + 1] ?? 'openapi.json') : bootstrap();
run.catch((error: unknown) => {
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
