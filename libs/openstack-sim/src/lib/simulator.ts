import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { BEHAVIOUR_KEYS, type FaultRule, type SimBehaviour, type SimService, validateBehaviour, validateFaultRule } from './behaviour';
import { ControlApi, isControlPath } from './control/control-api';
import { SimControl } from './control/sim-control';
import { ApiError, RequestContext, type SimResponse } from './http/exchange';
import type { RequestLogEntry } from './request-log';
import type { SeedInput } from './seed';
import { computeService } from './services/compute/compute';
import { identityService } from './services/identity';
import { imageService } from './services/image';
import { loadBalancerService } from './services/load-balancer/load-balancer';
import { networkService } from './services/network';
import { volumeService } from './services/volume';
import { type ServiceModule, defaultFaultMessage } from './services/service';
import { Simulation } from './simulation';

export interface SimulatorOptions extends Partial<SimBehaviour> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8700; 0 = ephemeral. */
  port?: number;
  /** Replaces parts of the default seed (each given key as a whole) and adds to its lists (`add`). */
  seed?: SeedInput;
  /** Lifetime of issued tokens (default 3600). */
  tokenTtlSeconds?: number;
  /**
   * Base URL to publish in the catalog and links instead of the one each request reached (e.g. behind a proxy).
   * When omitted, links follow the request's `Host`, so they stay right on an ephemeral port or another host name.
   */
  publicUrl?: string;
  /** Fault rules active from the start (and after each reset). */
  faults?: FaultRule[];
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:41234` (base, no trailing slash). */
  url: string;
  /** `${url}/identity/v3` */
  authUrl: string;
  /** A client of this simulator's `/_sim` control API. */
  control: SimControl;
  /** Stops listening, drops open connections and cancels pending injected delays. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Starts the simulator (Keystone, Nova, Glance, Neutron, Cinder, Octavia and `/_sim`) on one HTTP port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const behaviour: Partial<SimBehaviour> = {};
  for (const key of BEHAVIOUR_KEYS) if (options[key] !== undefined) Object.assign(behaviour, { [key]: options[key] });
  const problems = [
    ...validateBehaviour(behaviour as Record<string, unknown>),
    ...(options.faults ?? []).flatMap((rule, i) => validateFaultRule(rule).map((p) => `faults[${i}]: ${p}`)),
  ];
  if (problems.length > 0) throw new Error(`invalid simulator options: ${problems.join('; ')}`);

  const sim = new Simulation({ seed: options.seed, behaviour, faults: options.faults });
  const app = new SimulatorApp(sim, options.publicUrl?.replace(/\/+$/, ''));
  const server = createServer((req, res) => app.handle(req, res));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8700, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    authUrl: `${url}/identity/v3`,
    control: new SimControl(url),
    close: () => app.close(server),
  };
}

/** Routes each request to `/_sim` or a service, applying injected latency and faults and logging it. */
class SimulatorApp {
  private readonly services: Record<SimService, ServiceModule>;
  private readonly control: ControlApi;
  private readonly aborter = new AbortController();

  constructor(
    private readonly sim: Simulation,
    private readonly publicUrl: string | undefined,
  ) {
    this.services = {
      identity: identityService(sim),
      compute: computeService(sim),
      image: imageService(sim),
      network: networkService(sim),
      volume: volumeService(sim),
      'load-balancer': loadBalancerService(sim),
    };
    this.control = new ControlApi(sim);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = this.sim.now();
    this.process(req, res, receivedAt).catch((error: unknown) => {
      // Only a bug gets here; answer 500 rather than leave the client hanging.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
  }

  async close(server: Server): Promise<void> {
    this.aborter.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async process(req: IncomingMessage, res: ServerResponse, receivedAt: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = `req-${randomUUID()}`;
    const baseUrl = this.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
    const [first = ''] = path.split('/').filter((s) => s.length > 0);
    const service = isControlPath(path) ? undefined : (this.services as Partial<Record<string, ServiceModule>>)[first];

    let entry: RequestLogEntry | undefined;
    if (service) {
      entry = this.sim.log.start({ receivedAt, method, path, query: url.search.slice(1), service: service.name, requestId });
      const logged = entry;
      res.once('close', () => {
        logged.status = res.writableFinished ? res.statusCode : 0;
        logged.durationMs = this.sim.now() - receivedAt;
      });
    }

    const body = await readBody(req);
    if (body === 'too-large') {
      this.send(res, { status: 413, body: { error: 'request body too large' } }, requestId, method);
      return;
    }
    const ctx = new RequestContext(method, path, url.searchParams, req.headers, body, baseUrl, requestId);

    if (!service) {
      const response = isControlPath(path) ? this.control.handle(ctx) : this.index(ctx, path);
      this.send(res, response, requestId, method);
      return;
    }

    if (!(await this.wait(this.sim.latencyFor(service.name, method, path), res))) return;

    const fault = this.sim.faultFor(service.name, method, path);
    if (fault && entry) entry.faultId = fault.id;
    if (fault?.mode === 'drop') {
      req.socket.destroy();
      return;
    }

    let response: SimResponse;
    if (fault) {
      const status = fault.status ?? 503;
      response = service.renderError(new ApiError(status, fault.message ?? defaultFaultMessage(status)), ctx);
    } else {
      const subPath = path.slice(first.length + 1) || '/';
      try {
        response = await service.handle(ctx, subPath);
      } catch (error) {
        const message = `Unexpected API Error. ${error instanceof Error ? error.message : String(error)}`;
        response = service.renderError(new ApiError(500, message), ctx);
      }
    }
    if (entry) entry.microversion = response.headers?.['X-OpenStack-Nova-API-Version'];
    if (!(await this.wait(this.sim.latencyFor(service.name, method, path, 'response'), res))) return;
    this.send(res, response, requestId, method, service.name);
  }

  /** Injected latency: false when the simulator closed meanwhile (the connection is dropped then). */
  private async wait(ms: number, res: ServerResponse): Promise<boolean> {
    if (ms <= 0) return true;
    try {
      await delay(ms, undefined, { signal: this.aborter.signal });
      return true;
    } catch {
      res.destroy();
      return false;
    }
  }

  /** `GET /`: a small index for humans poking at the port. */
  private index(ctx: RequestContext, path: string): SimResponse {
    if (path !== '/')
      return {
        status: 404,
        body: { error: `no such path ${path}; try /identity, /compute, /image, /network, /volume, /load-balancer or /_sim` },
      };
    return {
      status: 200,
      body: {
        name: 'Peak Scheduler OpenStack simulator',
        endpoints: {
          identity: `${ctx.baseUrl}/identity/v3`,
          compute: `${ctx.baseUrl}/compute/v2.1`,
          image: `${ctx.baseUrl}/image`,
          network: `${ctx.baseUrl}/network`,
          'block-storage': `${ctx.baseUrl}/volume/v3/{project_id}`,
          'load-balancer': `${ctx.baseUrl}/load-balancer`,
          control: `${ctx.baseUrl}/_sim`,
        },
      },
    };
  }

  private send(res: ServerResponse, response: SimResponse, requestId: string, method: string, service?: SimService): void {
    if (res.destroyed) return;
    const payload =
      response.body === undefined ? undefined : Buffer.isBuffer(response.body) ? response.body : Buffer.from(JSON.stringify(response.body));
    const headers: Record<string, string> = {
      ...(response.withoutRequestId ? {} : { 'x-openstack-request-id': requestId }),
      ...(service === 'compute' && !response.withoutRequestId ? { 'x-compute-request-id': requestId } : {}),
      ...(payload ? { 'Content-Type': 'application/json' } : {}),
      ...(response.headers ?? {}),
      'Content-Length': String(payload?.length ?? 0),
    };
    res.writeHead(response.status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
  }
}

/** The request's body, read with stream events (an async iterator per request cost a create about 20 µs more). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        // Stop reading: the caller answers 413 at once.
        req.off('data', onData);
        req.pause();
        resolve('too-large');
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
