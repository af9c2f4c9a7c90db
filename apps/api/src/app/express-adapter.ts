import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Nest's Express adapter, with an HTTP server that creates every request and response on Express's own prototypes.
 *
 * Express gives each request and response its helpers (`req.get`, `res.json`, ...) by swapping its prototype
 * (`Object.setPrototypeOf`) as it arrives. Created on those prototypes in the first place, they keep them: Express's
 * swap finds the prototype already set and leaves the object alone. On Node 20 that swap costs dearly: in a bare
 * Express 5 app under load (the note of issue 24 has the method), every young collection promoted about 1.5 MB of
 * request objects, which then died in the old generation; without the swap, 0.01 MB, and the app answered 1.3 to 2
 * times as many requests a second (three pairs of runs). Node 24's V8 has no such cost, and there this changes nothing.
 *
 * Only a plain HTTP server is built here; with TLS or `forceCloseConnections` (neither of which the API uses) Nest
 * builds its own.
 */
export class PeakExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<Express>();
    this.setHttpServer(createServer({ IncomingMessage: requestOf(app), ServerResponse: responseOf(app) }, app));
  }
}

/**
 * Constructors for Node's server options. Node's own are plain functions, so they can initialise an object made by
 * another. `Reflect.construct` with a different `new.target` would also work, but in the same bare app it answered
 * half as many requests a second and still promoted a third as much.
 */
function requestOf(app: Express): typeof IncomingMessage {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    Reflect.apply(IncomingMessage, this, [socket]);
  }
  ExpressRequest.prototype = app.request;
  return ExpressRequest as unknown as typeof IncomingMessage;
}

function responseOf(app: Express): typeof ServerResponse {
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: object): void {
    // Node passes the socket's high-water mark and its body-write rules in `options`.
    Reflect.apply(ServerResponse, this, [req, options]);
  }
  ExpressResponse.prototype = app.response;
  return ExpressResponse as unknown as typeof ServerResponse;
}
