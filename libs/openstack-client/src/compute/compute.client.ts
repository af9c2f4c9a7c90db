import { OpenStackError } from '../errors';
import type { HttpTransport } from '../http/transport';
import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import type { OpenStackLogger } from '../logger';
import { ServiceClient, type RequestOptions } from '../service-client';
import {
  BDM_VOLUME_TYPE_MICROVERSION,
  buildCreateFlavorBody,
  buildCreateServerBody,
  buildCreateServerGroupBody,
  HOSTNAME_MICROVERSION,
  isServerDeleted,
  parseAvailabilityZoneNames,
  parseKeypairBody,
  parseKeypairPage,
  parseServerGroupBody,
  parseServerGroupList,
  SERVER_GROUP_RULES_MICROVERSION,
  parseCreatedServer,
  parseFlavorBody,
  parseFlavorPage,
  parseLimits,
  parseServerBody,
  parseServerPage,
  type CreatedServer,
  type CreateFlavorRequest,
  type CreateServerGroupRequest,
  type CreateServerRequest,
  type Flavor,
  type Keypair,
  type Limits,
  type ListServersFilter,
  type Server,
  type ServerGroup,
  type ServerStatus,
} from './compute.models';
import {
  compareMicroversions,
  MIN_COMPUTE_MICROVERSION,
  negotiateMicroversion,
  parseComputeVersionDocument,
  PREFERRED_COMPUTE_MICROVERSION,
  type ComputeVersion,
} from './microversion';

export interface WaitOptions {
  /** Give up after this long (default 10 minutes) ... */
  timeoutMs?: number;
  /** ... or at this instant, whichever comes first. */
  deadline?: Date;
  /** Between polls (default 2 s). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Called with each polled state, e.g. to log progress. */
  onPoll?: (server: Server) => void;
}

export interface ListFlavorsFilter {
  /** Default: the flavors the project can use (public and shared with it). `'all'` needs admin. */
  isPublic?: boolean | 'all';
  minRamMiB?: number;
  minDiskGiB?: number;
  pageSize?: number;
}

function versionHeaders(microversion: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${microversion}`, 'X-OpenStack-Nova-API-Version': microversion };
}

interface Negotiated {
  baseUrl: string;
  microversion: string;
  server: ComputeVersion;
}

/** Nova: flavors, servers, key pairs, server groups, availability zones and limits, spoken at a negotiated microversion (at least 2.52). */
export class ComputeClient extends ServiceClient {
  private negotiated?: Promise<Negotiated>;

  constructor(
    session: Session,
    private readonly transport: HttpTransport,
    private readonly logger: OpenStackLogger,
    /** Another client of the same endpoint whose negotiated microversion this one reuses (a user-token client's parent). */
    private readonly negotiatedBy?: ComputeClient,
  ) {
    super(session, 'compute');
  }

  /** The microversion in use, discovering the endpoint's version document on first use. */
  async microversion(): Promise<string> {
    return (await this.negotiate()).microversion;
  }

  async listFlavors(filter: ListFlavorsFilter = {}, options?: RequestOptions): Promise<Flavor[]> {
    const query = new URLSearchParams();
    if (filter.isPublic !== undefined) query.set('is_public', filter.isPublic === 'all' ? 'None' : String(filter.isPublic));
    if (filter.minRamMiB !== undefined) query.set('minRam', String(filter.minRamMiB));
    if (filter.minDiskGiB !== undefined) query.set('minDisk', String(filter.minDiskGiB));
    if (filter.pageSize !== undefined) query.set('limit', String(filter.pageSize));
    return this.collect('/flavors/detail', query, parseFlavorPage, options);
  }

  async getFlavor(id: string, options?: RequestOptions): Promise<Flavor> {
    const response = await this.call('GET', '/flavors/{id}', { params: { id }, ...options });
    return this.parse(response, '/flavors/{id}', parseFlavorBody);
  }

  /** The flavor with exactly this name among those the project can see, if any. */
  async findFlavorByName(name: string, options?: RequestOptions): Promise<Flavor | undefined> {
    return (await this.listFlavors({}, options)).find((f) => f.name === name);
  }

  /** Admin only. A name or id already taken is a 409 `OpenStackError` (`isConflict`). Never retried. */
  async createFlavor(request: CreateFlavorRequest, options?: RequestOptions): Promise<Flavor> {
    if (request.description !== undefined && compareMicroversions(await this.microversion(), '2.55') < 0) {
      throw new OpenStackError({
        service: 'compute',
        status: 0,
        fault: 'MicroversionUnsupported',
        path: '/flavors',
        message: `Flavor descriptions need compute microversion 2.55; this cloud is spoken to at ${await this.microversion()}`,
      });
    }
    const response = await this.call('POST', '/flavors', { body: buildCreateFlavorBody(request), ...options });
    return this.parse(response, '/flavors', parseFlavorBody);
  }

  /**
   * `POST /servers`, sent exactly once: if the answer is lost (timeout, reset, 5xx) the server may or may
   * not exist, so the caller reconciles by listing servers by the tags it gave, never by resending.
   */
  async createServer(request: CreateServerRequest, options?: RequestOptions): Promise<CreatedServer> {
    const { microversion, server } = await this.negotiate();
    if (request.bootVolume?.volumeType !== undefined && compareMicroversions(microversion, BDM_VOLUME_TYPE_MICROVERSION) < 0) {
      throw this.unsupported('/servers', `A boot volume's type needs compute microversion ${BDM_VOLUME_TYPE_MICROVERSION}`, microversion);
    }
    // A hostname is worth a newer microversion for this one call, when the cloud has it and none is pinned.
    let callVersion = microversion;
    if (
      request.hostname !== undefined &&
      compareMicroversions(microversion, HOSTNAME_MICROVERSION) < 0 &&
      !this.session.config.computeApiVersion &&
      compareMicroversions(server.maxVersion, HOSTNAME_MICROVERSION) >= 0
    ) {
      callVersion = HOSTNAME_MICROVERSION;
    }
    const body = buildCreateServerBody(request, callVersion);
    const headers = callVersion === microversion ? undefined : versionHeaders(callVersion);
    const response = await this.call('POST', '/servers', { body, idempotent: false, headers, ...options });
    return this.parse(response, '/servers', parseCreatedServer);
  }

  async getServer(id: string, options?: RequestOptions): Promise<Server> {
    const response = await this.call('GET', '/servers/{id}', { params: { id }, ...options });
    return this.parse(response, '/servers/{id}', parseServerBody);
  }

  /** Every matching server, with details, across all pages. */
  async listServers(filter: ListServersFilter = {}, options?: RequestOptions): Promise<Server[]> {
    const query = new URLSearchParams();
    const tagList = (key: string, tags?: string[]) => {
      if (tags?.length) query.set(key, tags.join(','));
    };
    tagList('tags', filter.tags);
    tagList('tags-any', filter.tagsAny);
    tagList('not-tags', filter.notTags);
    tagList('not-tags-any', filter.notTagsAny);
    if (filter.name !== undefined) query.set('name', filter.name);
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.allProjects) query.set('all_tenants', 'True');
    if (filter.projectId !== undefined) query.set('project_id', filter.projectId);
    if (filter.pageSize !== undefined) query.set('limit', String(filter.pageSize));
    return this.collect('/servers/detail', query, parseServerPage, options);
  }

  /**
   * Deletes a server (Nova deletes asynchronously: wait with `waitForServerDeleted`). A server already gone
   * is a 404 `OpenStackError`, unless `ignoreNotFound`; the result says whether a delete was accepted.
   */
  async deleteServer(id: string, options: RequestOptions & { ignoreNotFound?: boolean } = {}): Promise<boolean> {
    try {
      await this.call('DELETE', '/servers/{id}', { params: { id }, timeoutMs: options.timeoutMs, signal: options.signal });
      return true;
    } catch (error) {
      if (options.ignoreNotFound && error instanceof OpenStackError && error.isNotFound) return false;
      throw error;
    }
  }

  /**
   * Polls until the server reaches one of `statuses`. ERROR (unless awaited) fails at once with the
   * server's fault (`fault: 'ServerFault'`); the deadline passing fails with `fault: 'WaitTimeout'`.
   */
  async waitForServerStatus(id: string, statuses: ServerStatus | ServerStatus[], options: WaitOptions = {}): Promise<Server> {
    const wanted = new Set<string>(Array.isArray(statuses) ? statuses : [statuses]);
    const deadline = this.deadlineOf(options);
    let last: Server | undefined;
    for (;;) {
      last = await this.getServer(id, { signal: options.signal });
      options.onPoll?.(last);
      if (wanted.has(last.status)) return last;
      if (last.status === 'ERROR') {
        throw new OpenStackError({
          service: 'compute',
          status: 0,
          fault: 'ServerFault',
          path: '/servers/{id}',
          message: `Server ${id} went to ERROR${last.fault ? `: ${last.fault.message}` : ''}`,
          detail: last.fault?.details,
        });
      }
      await this.pause(id, [...wanted].join('/'), last.status, deadline, options);
    }
  }

  /** Polls until the server is gone (404 or DELETED). */
  async waitForServerDeleted(id: string, options: WaitOptions = {}): Promise<void> {
    const deadline = this.deadlineOf(options);
    for (;;) {
      let server: Server;
      try {
        server = await this.getServer(id, { signal: options.signal });
      } catch (error) {
        if (error instanceof OpenStackError && error.isNotFound) return;
        throw error;
      }
      options.onPoll?.(server);
      if (isServerDeleted(server)) return;
      await this.pause(id, 'deleted', server.status, deadline, options);
    }
  }

  /** The calling user's key pairs (Nova keeps them per user, not per project), across pages. */
  async listKeypairs(options?: RequestOptions): Promise<Keypair[]> {
    return this.collect('/os-keypairs', new URLSearchParams(), parseKeypairPage, options);
  }

  /** One of the calling user's key pairs; an unknown name is a 404 `OpenStackError`. */
  async getKeypair(name: string, options?: RequestOptions): Promise<Keypair> {
    const response = await this.call('GET', '/os-keypairs/{name}', { params: { name }, ...options });
    return this.parse(response, '/os-keypairs/{name}', parseKeypairBody);
  }

  /** Names of the availability zones a server can be created in (`GET /os-availability-zone`, open to every user). */
  async listAvailabilityZones(options?: RequestOptions): Promise<string[]> {
    const response = await this.call('GET', '/os-availability-zone', options);
    return this.parse(response, '/os-availability-zone', parseAvailabilityZoneNames);
  }

  /** The project's server groups. */
  async listServerGroups(options?: RequestOptions): Promise<ServerGroup[]> {
    const response = await this.call('GET', '/os-server-groups', options);
    return this.parse(response, '/os-server-groups', parseServerGroupList);
  }

  async getServerGroup(id: string, options?: RequestOptions): Promise<ServerGroup> {
    const response = await this.call('GET', '/os-server-groups/{id}', { params: { id }, ...options });
    return this.parse(response, '/os-server-groups/{id}', parseServerGroupBody);
  }

  /**
   * Creates a server group (Nova's 2.64 form: one policy, `rules` for anti-affinity). Never retried. A full
   * `server_groups` quota is a 403 `OpenStackError` with `isQuotaExceeded`.
   */
  async createServerGroup(request: CreateServerGroupRequest, options?: RequestOptions): Promise<ServerGroup> {
    const microversion = await this.microversion();
    if (request.rules !== undefined && compareMicroversions(microversion, SERVER_GROUP_RULES_MICROVERSION) < 0) {
      throw this.unsupported(
        '/os-server-groups',
        `Server group rules need compute microversion ${SERVER_GROUP_RULES_MICROVERSION}`,
        microversion,
      );
    }
    const body = buildCreateServerGroupBody(request, microversion);
    const response = await this.call('POST', '/os-server-groups', { body, idempotent: false, ...options });
    return this.parse(response, '/os-server-groups', parseServerGroupBody);
  }

  /** Deletes a server group; one already gone is a 404 `OpenStackError` unless `ignoreNotFound` (then the result is false). */
  async deleteServerGroup(id: string, options: RequestOptions & { ignoreNotFound?: boolean } = {}): Promise<boolean> {
    try {
      await this.call('DELETE', '/os-server-groups/{id}', { params: { id }, timeoutMs: options.timeoutMs, signal: options.signal });
      return true;
    } catch (error) {
      if (options.ignoreNotFound && error instanceof OpenStackError && error.isNotFound) return false;
      throw error;
    }
  }

  /** Absolute limits of the project (or of `projectId`, for an admin): instances, cores, RAM. */
  async getLimits(options: RequestOptions & { projectId?: string } = {}): Promise<Limits> {
    const response = await this.call('GET', '/limits', {
      query: { tenant_id: options.projectId },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    return this.parse(response, '/limits', parseLimits);
  }

  protected override async resolveBaseUrl(): Promise<string> {
    return (await this.negotiate()).baseUrl;
  }

  protected override async extraHeaders(): Promise<Record<string, string>> {
    return versionHeaders((await this.negotiate()).microversion);
  }

  private unsupported(path: string, what: string, microversion: string): OpenStackError {
    return new OpenStackError({
      service: 'compute',
      status: 0,
      fault: 'MicroversionUnsupported',
      path,
      message: `${what}; this cloud is spoken to at ${microversion}`,
    });
  }

  private negotiate(): Promise<Negotiated> {
    if (this.negotiatedBy) return this.negotiatedBy.negotiate();
    this.negotiated ??= this.discover().catch((error: unknown) => {
      this.negotiated = undefined;
      throw error;
    });
    return this.negotiated;
  }

  /**
   * Reads the version document and picks the microversion. The catalog URL may be `.../v2.1`,
   * `.../v2.1/<project_id>`, unversioned, or the legacy `.../v2/<project_id>`: requests always go to the
   * v2.1 API under the same root, keeping a project id the catalog put there.
   */
  private async discover(): Promise<Negotiated> {
    const catalogUrl = await this.session.endpoint('compute');
    const { root, version, suffix } = splitEndpoint(catalogUrl);
    // Trailing slashes matter: Nova redirects `/v2.1` to `/v2.1/`.
    const candidates = version === 'v2.1' ? [`${root}/v2.1/`, `${root}/`] : [`${root}/`, `${root}/v2.1/`];
    let lastError: unknown;
    for (const url of candidates) {
      try {
        const response = await this.session.send({
          service: 'compute',
          method: 'GET',
          url,
          pathTemplate: url.endsWith('/v2.1/') ? '/v2.1/' : '/',
        });
        const server = this.parse(response, '/', parseComputeVersionDocument);
        const result = negotiateMicroversion(server, {
          min: MIN_COMPUTE_MICROVERSION,
          preferred: PREFERRED_COMPUTE_MICROVERSION,
          pinned: this.session.config.computeApiVersion,
        });
        if (!result.ok) {
          throw new OpenStackError({
            service: 'compute',
            status: 0,
            fault: 'MicroversionUnsupported',
            path: '/',
            message: `Compute at ${root}: ${result.reason}`,
          });
        }
        const baseUrl = `${root}/v2.1${suffix}`;
        this.logger.debug('compute microversion negotiated', { microversion: result.microversion, serverMax: server.maxVersion, baseUrl });
        return { baseUrl, microversion: result.microversion, server };
      } catch (error) {
        if (error instanceof OpenStackError && (error.fault === 'MicroversionUnsupported' || error.isUnavailable || error.status === 401))
          throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private deadlineOf(options: WaitOptions): number {
    const byTimeout = this.transport.now() + (options.timeoutMs ?? 600_000);
    return options.deadline ? Math.min(byTimeout, options.deadline.getTime()) : byTimeout;
  }

  private async pause(id: string, wanted: string, current: string, deadline: number, options: WaitOptions): Promise<void> {
    const now = this.transport.now();
    if (now >= deadline || options.signal?.aborted) {
      throw new OpenStackError({
        service: 'compute',
        status: 0,
        fault: options.signal?.aborted ? 'Aborted' : 'WaitTimeout',
        path: '/servers/{id}',
        message: `Server ${id} is still ${current}, not ${wanted}, at the deadline`,
      });
    }
    const interval = options.pollIntervalMs ?? 2_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, Math.min(interval, deadline - now)));
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
