// First, before any other module loads: see young-generation.ts and pretenuring.ts.
import { releaseYoungGeneration } from './app/young-generation';
import './app/pretenuring';
import { Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from './app/app.module';
import { configureApp } from './app/configure-app';
import { PeakExpressAdapter } from './app/express-adapter';
import { limitHeapGrowth } from './app/heap-growth';
import { buildOpenApiDocument } from './app/openapi';
import { compactStartupHeap } from './app/startup-heap';
import { appConfig } from './config/app.config';
import { EmbeddedPostgres } from './database/embedded-postgres';
import { InstallationService } from './installation/installation.service';

const logger = new Logger('Main');

/** `main.js --export-openapi <file>`: writes the spec without connecting to anything. */
async function exportOpenApi(file: string): Promise<void> {
  const app = await NestFactory.create(AppModule, new PeakExpressAdapter(), { preview: true, logger: false });
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

  const app = configureApp(await NestFactory.create(AppModule, new PeakExpressAdapter(), { bufferLogs: true }));
  const { host, port, heapGrowthPercent } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  if (heapGrowthPercent > 0) {
    limitHeapGrowth(heapGrowthPercent);
    logger.log(`HEAP_GROWTH_PERCENT=${heapGrowthPercent}: V8 collects the heap once it is ${heapGrowthPercent} % above its live size`);
  }

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
  // Started: from now on V8 grows the young generation when a load needs it.
  releaseYoungGeneration();
  // And what start-up left behind goes, its pages with it (see startup-heap.ts).
  logger.debug(`Start-up heap compacted in ${compactStartupHeap().toFixed(0)} ms`);
  if (embedded) warnIfLocalDataForRealCloud(app.get(InstallationService).id);
  logger.log(`Peak Scheduler API on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/v1 (docs at /docs)`);
}

/**
 * A real cloud (anything but the built-in simulator `npm start` runs) with the embedded database is easy to slip
 * into (a laptop with the production clouds.yaml): say plainly that the data is local, and where. The installation id
 * keeps this installation's VMs apart from every other's on that cloud.
 */
function warnIfLocalDataForRealCloud(installationId: string): void {
  const cloud = process.env['OS_CLOUD'] ? `OS_CLOUD=${process.env['OS_CLOUD']}` : `OS_AUTH_URL=${process.env['OS_AUTH_URL'] ?? ''}`;
  if (process.env['PEAK_BUILT_IN_SIMULATOR'] === 'true' || (!process.env['OS_CLOUD'] && !process.env['OS_AUTH_URL'])) return;
  logger.warn(
    `No DATABASE_URL: schedules and run history are kept only on this machine, in the embedded database at ` +
      `${resolve(process.env['EMBEDDED_DB_DIR'] ?? '.data/pglite')}, while the cloud is real (${cloud}). ` +
      `This is installation ${installationId}: it acts only on its own VMs and never on another installation's ` +
      `(production's, say). Set DATABASE_URL to use a shared PostgreSQL.`,
  );
}

const exportIndex = process.argv.indexOf('--export-openapi');
const run = exportIndex >= 0 ? exportOpenApi(process.argv[exportIndex + 1] ?? 'openapi.json') : bootstrap();
run.catch((error: unknown) => {
  // Straight to stderr: Nest buffers its logs until the app's logger is set, and a start-up failure must never be silent.
  process.stderr.write(`Peak Scheduler API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
