import { Logger } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import pino from 'pino';
import { outsideRequestContext } from './background';

describe('outsideRequestContext', () => {
  it('drops the request context for the work and everything it chains, and only for it', async () => {
    const lines: Record<string, unknown>[] = [];
    const root = pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const nest = new PinoNestLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
    Logger.overrideLogger(nest);
    const requestLogger = root.child({ reqId: 'req-1' });
    const log = new Logger('Engine');

    await storage.run(new Store(requestLogger), async () => {
      log.log('inside the request');
      await outsideRequestContext(async () => {
        log.log('woken by the request');
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.log('after a timer');
      });
      log.log('back in the request');
    });

    expect(lines.map((l) => [l['msg'], l['reqId']])).toEqual([
      ['inside the request', 'req-1'],
      ['woken by the request', undefined],
      ['after a timer', undefined],
      ['back in the request', 'req-1'],
    ]);
  });
});
