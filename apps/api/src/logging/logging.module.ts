import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { LoggerModule, type Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import { batchedDestination } from './batched-destination';
import { loggingConfig } from './logging.config';
import { redactDeep } from './redact';
import { RequestLog } from './request-log';

/**
 * Where log lines go: stdout, one JSON object per line. A provider of its own so a test can capture the stream
 * (`overrideProvider(LOG_DESTINATION)`) and read exactly what an operator's log collector would.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Log lines are written to stdout in batches of at least this many bytes (about eight request lines), or
 * {@link LOG_FLUSH_MS} after a line comes, whichever is first ({@link batchedDestination}). One write per line (a
 * system call and a round trip through libuv's thread pool) took 7 % of the API's busy time in a CPU profile of the
 * list load; batched, the CPU per list request fell by about 9 % (the note of issue 24 has the runs). On exit, however
 * it comes (a crash included, but not a SIGKILL), pino writes what is still held.
 */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_MS = 200;

/** The API's root logger, which every other logger of the process is a child of. */
const ROOT_LOGGER = Symbol('ROOT_LOGGER');

function createRootLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Every merging object, whoever logs it (Nest, the OpenStack client, a feature), is redacted here, so a
        // password deep inside a logged body cannot reach the stream.
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
    },
    destination,
  );
}

/**
 * Structured JSON logs (pino) for the whole API: one line per HTTP request with its request id ({@link RequestLog},
 * mounted by `configureApp`), Nest's own lines (bootstrap included) and every feature's `Logger` in the same stream,
 * with secrets redacted. `LOG_LEVEL` sets the level.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [ConfigModule.forFeature(loggingConfig)],
      providers: [
        {
          provide: LOG_DESTINATION,
          useFactory: (): DestinationStream => batchedDestination({ dest: 1, minBytes: LOG_BATCH_BYTES, flushMs: LOG_FLUSH_MS }),
        },
        {
          provide: ROOT_LOGGER,
          inject: [loggingConfig.KEY, LOG_DESTINATION],
          useFactory: (config: ConfigType<typeof loggingConfig>, destination: DestinationStream) =>
            createRootLogger(config.level, destination),
        },
        { provide: RequestLog, inject: [ROOT_LOGGER], useFactory: (root: Logger) => new RequestLog(root) },
      ],
      inject: [ROOT_LOGGER],
      // nestjs-pino's `Logger` and `PinoLogger` log through this logger, or through the request's child that the
      // request log keeps in nestjs-pino's AsyncLocalStorage. Its own middleware (pino-http) is mounted nowhere.
      useFactory: (root: Logger): Params => ({ pinoHttp: { logger: root }, useExisting: true, forRoutes: [] }),
    }),
  ],
})
export class LoggingModule {}
