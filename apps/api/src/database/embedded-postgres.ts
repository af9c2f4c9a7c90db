import { Logger } from '@nestjs/common';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * An embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM) behind a Unix socket that the
 * ordinary `pg` driver speaks to. It lets the product run on a machine with no database server.
 *
 * Limits that shape the rest of the design: one connection, one shared session. Callers use a
 * pool of size 1 and nothing may need a second session (no advisory locks held on the side).
 */
export class EmbeddedPostgres {
  private static readonly logger = new Logger(EmbeddedPostgres.name);

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly socketDir: string,
    private readonly lockFile: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
    const lockFile = join(dataDir, '.peak-scheduler.lock');
    acquireLock(lockFile);
    // Loaded lazily: only embedded mode pays for the WASM module.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create({ dataDir });
    // A Unix socket in a private temp dir: no TCP port to collide with, nothing reachable from outside.
    const socketDir = mkdtempSync(join(tmpdir(), 'peak-pglite-'));
    const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
    EmbeddedPostgres.logger.log(`Embedded PostgreSQL (PGlite) started; data in ${dataDir}`);
    return new EmbeddedPostgres(db, server, socketDir, lockFile, url);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    rmSync(this.socketDir, { recursive: true, force: true });
    rmSync(this.lockFile, { force: true });
  }
}

/** Two processes on one PGlite data folder would corrupt it: refuse clearly instead. */
function acquireLock(lockFile: string): void {
  try {
    const fd = openSync(lockFile, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(lockFile, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `The embedded database in ${lockFile.replace(/\/[^/]+$/, '')} is in use by process ${owner}. ` +
          'Stop it, or set DATABASE_URL to a PostgreSQL server to run several API instances.',
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
