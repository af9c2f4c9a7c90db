import { type AuthContext, authenticate, requireProject } from '../auth';
import { ApiError, type RequestContext, type SimResponse } from '../http/exchange';
import { isoSeconds } from '../http/formats';
import { Router } from '../http/router';
import type { Simulation } from '../simulation';
import { type Image, imageVisibleTo } from '../state';
import { type ScopedCall, type ServiceModule, statusTitle } from './service';

/** Glance in Zed answers up to image API 2.16. */
const IMAGE_VERSIONS = Array.from({ length: 17 }, (_, i) => 16 - i);
const DEFAULT_LIMIT = 25;
/** The id of the one image store (the harness calls its file store `fs`). */
const IMAGE_STORE = 'file';
const MAX_LIMIT = 1000;

type ImageHandler = (call: ScopedCall) => SimResponse;

/** Glance v2 at `/image`: version documents, image list (filters, sorting, `limit`/`marker`, `next`) and show, schemas. */
export function imageService(sim: Simulation): ServiceModule {
  const router = imageRoutes();
  return {
    name: 'image',
    handle: async (ctx, subPath) => handleImage(router, sim, ctx, subPath),
    renderError: renderImageError,
  };
}

function imageRoutes(): Router<ImageHandler> {
  return new Router<ImageHandler>()
    .get('/v2/images', listImages)
    .get('/v2/images/:id', (call) => {
      const { id } = call.params;
      const image = call.sim.state.images.get(id);
      if (!image || !visible(call.auth, image)) throw new ApiError(404, `No image found with ID ${id}`);
      return { status: 200, body: imageView(image) };
    })
    .get('/v2/schemas/image', () => ({ status: 200, body: imageSchema() }))
    .get('/v2/schemas/images', () => ({
      status: 200,
      body: {
        name: 'images',
        properties: {
          images: { type: 'array', items: imageSchema() },
          schema: { type: 'string' },
          first: { type: 'string' },
          next: { type: 'string' },
        },
        links: [
          { rel: 'first', href: '{first}' },
          { rel: 'next', href: '{next}' },
          { rel: 'describedby', href: '{schema}' },
        ],
      },
    }));
}

function handleImage(router: Router<ImageHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  try {
    // Glance answers its root with 300 Multiple Choices, `/versions` with 200; both before its request-id middleware.
    if (subPath === '/' || subPath === '') return { status: 300, body: versions(ctx), withoutRequestId: true };
    if (subPath.replace(/\/$/, '') === '/versions') return { status: 200, body: versions(ctx), withoutRequestId: true };
    const match = router.match(ctx.method, subPath);
    if (match.kind === 'not-found') throw new ApiError(404, 'The resource could not be found.');
    if (match.kind === 'method-not-allowed') throw new ApiError(405, 'The method specified is not allowed for this resource.');
    const auth = glanceAuthenticate(sim, ctx);
    requireProject(auth, ctx);
    const response = match.handler({ sim, ctx, auth, params: match.params });
    return ctx.method === 'HEAD' ? { ...response, body: undefined } : response;
  } catch (error) {
    if (error instanceof ApiError) return renderImageError(error, ctx);
    throw error;
  }
}

/** Glance errors are webob's: JSON when the client accepts it, plain text otherwise. */
function renderImageError(error: ApiError, ctx: RequestContext): SimResponse {
  const { withoutRequestId } = error.options;
  if (error.options.body !== undefined) {
    return { status: error.status, body: error.options.body, headers: error.options.headers, withoutRequestId };
  }
  const title = statusTitle(error.status);
  const code = `${error.status} ${title}`;
  if ((ctx.header('accept') ?? '').includes('application/json')) {
    return {
      status: error.status,
      body: { message: `${error.message}<br /><br />\n\n\n`, code, title },
      headers: error.options.headers,
      withoutRequestId,
    };
  }
  return {
    status: error.status,
    body: Buffer.from(`${code}\n\n${error.message}\n\n   `),
    headers: { 'Content-Type': 'text/plain; charset=UTF-8', ...(error.options.headers ?? {}) },
    withoutRequestId,
  };
}

function versions(ctx: RequestContext): unknown {
  return {
    versions: IMAGE_VERSIONS.map((minor, i) => ({
      id: `v2.${minor}`,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${ctx.baseUrl}/image/v2/` }],
    })),
  };
}

function visible(auth: AuthContext, image: Image): boolean {
  return imageVisibleTo(image, auth.project?.id, auth.isAdmin);
}

function listImages({ sim, ctx, auth }: ScopedCall): SimResponse {
  const { query } = ctx;
  const limitParam = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitParam !== null) {
    if (!/^\d+$/.test(limitParam)) throw new ApiError(400, 'limit param must be an integer');
    limit = Math.min(Number(limitParam), MAX_LIMIT);
  }
  const visibility = query.get('visibility');
  if (visibility !== null && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
    throw new ApiError(400, `Invalid visibility value: ${visibility}`);
  }
  const eq = (param: string, value: (i: Image) => string) => {
    const wanted = query.get(param);
    return (i: Image) => wanted === null || value(i) === wanted;
  };
  const byName = eq('name', (i) => i.name);
  const byStatus = eq('status', (i) => i.status);
  const byOwner = eq('owner', (i) => i.ownerId);
  const byDiskFormat = eq('disk_format', (i) => i.diskFormat);
  const tags = query.getAll('tag');
  let images = [...sim.state.images.values()].filter(
    (i) =>
      visible(auth, i) &&
      // Without a visibility filter Glance lists everything visible except community images.
      (visibility === null ? i.visibility !== 'community' : visibility === 'all' || i.visibility === visibility) &&
      byName(i) &&
      byStatus(i) &&
      byOwner(i) &&
      byDiskFormat(i) &&
      tags.every((t) => i.tags.includes(t)),
  );
  images = sortImages(images, query);

  const marker = query.get('marker');
  if (marker !== null) {
    const index = images.findIndex((i) => i.id === marker);
    if (index < 0) throw new ApiError(400, `Marker ${marker} could not be found.`);
    images = images.slice(index + 1);
  }
  const page = images.slice(0, limit);

  const params = new URLSearchParams(query);
  params.delete('marker');
  const firstQuery = params.toString();
  const body: Record<string, unknown> = {
    images: page.map(imageView),
    first: `/v2/images${firstQuery ? `?${firstQuery}` : ''}`,
    schema: '/v2/schemas/images',
  };
  if (page.length > 0 && page.length === limit) {
    params.set('marker', page[page.length - 1].id);
    body['next'] = `/v2/images?${params.toString()}`;
  }
  return { status: 200, body };
}

const SORTABLE: Record<string, (i: Image) => string | number> = {
  name: (i) => i.name,
  created_at: (i) => i.createdAt,
  updated_at: (i) => i.updatedAt,
  size: (i) => i.size,
  id: (i) => i.id,
  status: (i) => i.status,
  disk_format: (i) => i.diskFormat,
  container_format: (i) => i.containerFormat,
  visibility: (i) => i.visibility,
};

/** Glance sorts by `sort=key:dir,…` or `sort_key`/`sort_dir`; default `created_at` desc, then `id` desc. */
function sortImages(images: Image[], query: URLSearchParams): Image[] {
  const keys: [string, 'asc' | 'desc'][] = [];
  const sort = query.get('sort');
  if (sort !== null) {
    for (const part of sort.split(',')) {
      const [key, dir = 'desc'] = part.split(':');
      if (dir !== 'asc' && dir !== 'desc') throw new ApiError(400, `Invalid sort direction: ${dir}`);
      keys.push([key, dir]);
    }
  } else {
    const sortKeys = query.getAll('sort_key');
    const sortDirs = query.getAll('sort_dir');
    sortKeys.forEach((key, i) => {
      const dir = sortDirs[i] ?? sortDirs[0] ?? 'desc';
      if (dir !== 'asc' && dir !== 'desc') throw new ApiError(400, `Invalid sort direction: ${dir}`);
      keys.push([key, dir]);
    });
  }
  if (!keys.some(([key]) => key === 'created_at')) keys.push(['created_at', 'desc']);
  if (!keys.some(([key]) => key === 'id')) keys.push(['id', 'desc']);
  for (const [key] of keys)
    if (!SORTABLE[key])
      throw new ApiError(400, `Invalid sort key: ${key}. It should be one of the following: ${Object.keys(SORTABLE).join(', ')}.`);
  return [...images].sort((a, b) => {
    for (const [key, dir] of keys) {
      const va = SORTABLE[key](a);
      const vb = SORTABLE[key](b);
      if (va !== vb) return (va < vb ? -1 : 1) * (dir === 'asc' ? 1 : -1);
    }
    return 0;
  });
}

/** An image as Glance v2 shows it: custom properties at the top level. */
export function imageView(i: Image): Record<string, unknown> {
  return {
    ...i.properties,
    status: i.status,
    name: i.name,
    tags: [...i.tags],
    container_format: i.containerFormat,
    created_at: isoSeconds(i.createdAt),
    disk_format: i.diskFormat,
    updated_at: isoSeconds(i.updatedAt),
    visibility: i.visibility,
    self: `/v2/images/${i.id}`,
    min_disk: i.minDisk,
    protected: false,
    id: i.id,
    file: `/v2/images/${i.id}/file`,
    checksum: i.checksum,
    os_hash_algo: 'sha512',
    os_hash_value: i.hashValue,
    os_hidden: false,
    owner: i.ownerId,
    size: i.size,
    min_ram: i.minRam,
    schema: '/v2/schemas/image',
    virtual_size: null,
    // Shown when Glance runs with `enabled_backends` (multiple stores), as current deployments and the harness do.
    stores: IMAGE_STORE,
  };
}

/** A trimmed `GET /v2/schemas/image`: the core properties and their types (clients use it to tell core from custom). */
function imageSchema(): Record<string, unknown> {
  const str = { type: 'string' };
  const nullableInt = { type: ['null', 'integer'] };
  return {
    name: 'image',
    additionalProperties: { type: 'string' },
    properties: {
      id: { ...str, pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' },
      name: { type: ['null', 'string'], maxLength: 255 },
      status: {
        ...str,
        enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'],
      },
      visibility: { ...str, enum: ['community', 'public', 'private', 'shared'] },
      protected: { type: 'boolean' },
      os_hidden: { type: 'boolean' },
      checksum: { type: ['null', 'string'], maxLength: 32 },
      os_hash_algo: { type: ['null', 'string'], maxLength: 64 },
      os_hash_value: { type: ['null', 'string'], maxLength: 128 },
      owner: { type: ['null', 'string'], maxLength: 255 },
      size: nullableInt,
      virtual_size: nullableInt,
      container_format: { type: ['null', 'string'] },
      disk_format: { type: ['null', 'string'] },
      created_at: str,
      updated_at: str,
      tags: { type: 'array', items: { type: 'string', maxLength: 255 } },
      direct_url: str,
      min_ram: { type: 'integer' },
      min_disk: { type: 'integer' },
      self: str,
      file: str,
      stores: str,
      schema: str,
      locations: { type: 'array' },
    },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

/**
 * Glance turns keystonemiddleware's refusal into webob's own 401 (its wording, JSON or text like its other errors),
 * answered before its request-id middleware.
 */
function glanceAuthenticate(sim: Simulation, ctx: RequestContext): AuthContext {
  try {
    return authenticate(sim, ctx);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    throw new ApiError(
      401,
      'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong ' +
        'credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
      { headers: error.options.headers, withoutRequestId: true },
    );
  }
}
