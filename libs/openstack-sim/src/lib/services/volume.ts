import { type AuthContext, authenticate, requireProject } from '../auth';
import { ApiError, type RequestContext, type SimResponse } from '../http/exchange';
import { isoMicrosNaive } from '../http/formats';
import { Router } from '../http/router';
import type { Simulation } from '../simulation';
import type { Project, Volume, VolumeType } from '../state';
import { novaFaultBody } from './compute/common';
import { COMPUTE_HOST, DEFAULT_ZONE } from './compute/views';
import type { ScopedCall, ServiceModule } from './service';

/** Cinder's highest microversion in Zed; bodies are the 3.0 ones whatever is asked. */
const MAX_VOLUME_MICROVERSION = '3.70';

interface VolumeCall extends ScopedCall {
  project: Project;
}

type VolumeHandler = (call: VolumeCall) => SimResponse;

/**
 * A minimal Cinder v3 at `/volume` (catalog type `block-storage`, `…/volume/v3/{project_id}`): volume types and the
 * volumes Nova makes for servers booted from volume, per project. Off (404) when `blockStorage` is false.
 */
export function volumeService(sim: Simulation): ServiceModule {
  const router = volumeRoutes();
  return {
    name: 'volume',
    handle: async (ctx, subPath) => handleVolume(router, sim, ctx, subPath),
    renderError: renderVolumeError,
  };
}

function volumeRoutes(): Router<VolumeHandler> {
  return new Router<VolumeHandler>()
    .get('/v3/:project/types', (call) => ({
      status: 200,
      body: { volume_types: [...call.sim.state.volumeTypes.values()].map((t) => volumeTypeView(t, call.auth)) },
    }))
    .get('/v3/:project/types/:id', (call) => {
      const type = call.sim.state.volumeTypes.get(call.params['id']);
      if (!type) throw new ApiError(404, `Volume type ${call.params['id']} could not be found.`);
      return { status: 200, body: { volume_type: volumeTypeView(type, call.auth) } };
    })
    .get('/v3/:project/limits', (call) => {
      // Cinder's default quotas (`openstack limits show --absolute` asks when the catalog has Cinder); not enforced.
      const own = [...call.sim.state.volumes.values()].filter((v) => v.projectId === call.project.id);
      const absolute = {
        maxTotalVolumes: 10,
        maxTotalSnapshots: 10,
        maxTotalVolumeGigabytes: call.sim.state.volumeGigabytesOf(call.project.id),
        maxTotalBackups: 10,
        maxTotalBackupGigabytes: 1000,
        totalVolumesUsed: own.length,
        totalGigabytesUsed: own.reduce((sum, v) => sum + v.size, 0),
        totalSnapshotsUsed: 0,
        totalBackupsUsed: 0,
        totalBackupGigabytesUsed: 0,
      };
      return { status: 200, body: { limits: { rate: [], absolute } } };
    })
    .get('/v3/:project/os-quota-sets/:target', (call) => {
      // Cinder's policy: a project's own quotas, or any project's for an admin.
      const target = call.params['target'] ?? '';
      if (target !== call.project.id && !call.auth.isAdmin)
        throw new ApiError(403, `Policy doesn't allow volume_extension:quotas:show to be performed.`);
      return { status: 200, body: { quota_set: volumeQuotaSetView(call, target) } };
    })
    .get('/v3/:project/volumes', (call) => ({
      status: 200,
      body: { volumes: listedVolumes(call).map((v) => ({ id: v.id, links: volumeLinks(call, v), name: v.name })) },
    }))
    .get('/v3/:project/volumes/detail', (call) => ({
      status: 200,
      body: { volumes: listedVolumes(call).map((v) => volumeView(call, v)) },
    }))
    .get('/v3/:project/volumes/:id', (call) => {
      const volume = call.sim.state.volumes.get(call.params['id']);
      if (!volume || (volume.projectId !== call.project.id && !call.auth.isAdmin)) {
        throw new ApiError(404, `Volume ${call.params['id']} could not be found.`);
      }
      return { status: 200, body: { volume: volumeView(call, volume) } };
    });
}

function handleVolume(router: Router<VolumeHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  try {
    if (!sim.behaviour.blockStorage) throw new ApiError(404, 'The resource could not be found.');
    if (subPath === '/' || subPath === '') {
      return {
        status: 300,
        body: {
          versions: [
            {
              id: 'v3.0',
              status: 'CURRENT',
              version: MAX_VOLUME_MICROVERSION,
              min_version: '3.0',
              updated: '2022-08-31T00:00:00Z',
              links: [{ href: `${ctx.baseUrl}/volume/v3/`, rel: 'self' }],
            },
          ],
        },
        withoutRequestId: true,
      };
    }
    const match = router.match(ctx.method, subPath);
    if (match.kind === 'not-found') throw new ApiError(404, 'The resource could not be found.');
    if (match.kind === 'method-not-allowed') throw new ApiError(405, 'The method specified is not allowed for this resource.');
    const auth = authenticate(sim, ctx);
    const project = requireProject(auth, ctx);
    if (match.params['project'] !== project.id) {
      throw new ApiError(
        400,
        `Malformed request URL: URL's project_id '${match.params['project']}' doesn't match Context's project_id '${project.id}'`,
      );
    }
    // Servers whose deletion ended are swept first, so their volumes are detached (or deleted) as they should be.
    sim.state.liveServers(Date.now());
    const response = match.handler({ sim, ctx, auth, params: match.params, project });
    return { ...response, headers: { 'OpenStack-API-Version': 'volume 3.0', Vary: 'OpenStack-API-Version', ...(response.headers ?? {}) } };
  } catch (error) {
    if (error instanceof ApiError) return renderVolumeError(error);
    throw error;
  }
}

/**
 * `os-quota-sets/{project}`: Cinder's defaults but for `gigabytes` (the one quota the simulator lets tests change);
 * with `usage=True` each is `{limit, in_use, reserved, allocated}` as in Cinder.
 */
function volumeQuotaSetView(call: VolumeCall, projectId: string): Record<string, unknown> {
  const { state } = call.sim;
  const own = [...state.volumes.values()].filter((v) => v.projectId === projectId);
  const quotas: Record<string, [number, number]> = {
    volumes: [10, own.length],
    snapshots: [10, 0],
    gigabytes: [state.volumeGigabytesOf(projectId), state.volumeGigabytesUsed(projectId)],
    backups: [10, 0],
    backup_gigabytes: [1000, 0],
    groups: [10, 0],
    per_volume_gigabytes: [-1, 0],
  };
  const usage = ['true', 'True', '1'].includes(call.ctx.query.get('usage') ?? '');
  const view: Record<string, unknown> = { id: projectId };
  for (const [name, [limit, inUse]] of Object.entries(quotas))
    view[name] = usage ? { limit, in_use: inUse, reserved: 0, allocated: 0 } : limit;
  return view;
}

/** Cinder's faults are shaped like Nova's: `{"itemNotFound": {"message", "code"}}`. */
function renderVolumeError(error: ApiError): SimResponse {
  return { status: error.status, body: error.options.body ?? novaFaultBody(error.status, error.message), headers: error.options.headers };
}

/** The project's volumes; admins see every project's with `all_tenants`, narrowed by `project_id`. */
function listedVolumes(call: VolumeCall): Volume[] {
  const { query } = call.ctx;
  const all = call.auth.isAdmin && ['1', 'true', 'True'].includes(query.get('all_tenants') ?? '');
  const projectFilter = query.get('project_id');
  return [...call.sim.state.volumes.values()]
    .filter((v) => (all ? projectFilter === null || v.projectId === projectFilter : v.projectId === call.project.id))
    .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

function volumeLinks(call: VolumeCall, v: Volume): { href: string; rel: string }[] {
  const base = `${call.ctx.baseUrl}/volume`;
  return [
    { href: `${base}/v3/${v.projectId}/volumes/${v.id}`, rel: 'self' },
    { href: `${base}/${v.projectId}/volumes/${v.id}`, rel: 'bookmark' },
  ];
}

/** A volume type; its `extra_specs` and `qos_specs_id` are for admins, as Cinder's policies have it. */
function volumeTypeView(t: VolumeType, auth: AuthContext): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: true,
    'os-volume-type-access:is_public': true,
  };
  if (auth.isAdmin) Object.assign(view, { extra_specs: {}, qos_specs_id: null });
  return view;
}

/** A volume at 3.0; the host and migration attributes are admin-only. */
function volumeView(call: VolumeCall, v: Volume): Record<string, unknown> {
  const { state } = call.sim;
  const type = state.volumeTypes.get(v.volumeTypeId);
  const image = v.imageId === null ? undefined : state.images.get(v.imageId);
  const view: Record<string, unknown> = {
    attachments:
      v.attachedServerId === null
        ? []
        : [
            {
              server_id: v.attachedServerId,
              attachment_id: v.id.split('').reverse().join(''),
              attached_at: isoMicrosNaive(v.createdAt),
              host_name: COMPUTE_HOST,
              volume_id: v.id,
              device: '/dev/vda',
              id: v.id,
            },
          ],
    availability_zone: DEFAULT_ZONE,
    bootable: v.imageId === null ? 'false' : 'true',
    consistencygroup_id: null,
    created_at: isoMicrosNaive(v.createdAt),
    description: null,
    encrypted: false,
    id: v.id,
    links: volumeLinks(call, v),
    metadata: v.attachedServerId === null ? {} : { attached_mode: 'rw' },
    migration_status: null,
    multiattach: false,
    name: v.name,
    'os-vol-tenant-attr:tenant_id': v.projectId,
    replication_status: null,
    size: v.size,
    snapshot_id: null,
    source_volid: null,
    status: v.attachedServerId === null ? 'available' : 'in-use',
    updated_at: isoMicrosNaive(v.updatedAt),
    user_id: v.userId,
    volume_type: type?.name ?? null,
  };
  if (image) view['volume_image_metadata'] = { image_id: image.id, image_name: image.name, checksum: image.checksum };
  if (call.auth.isAdmin) {
    Object.assign(view, {
      'os-vol-host-attr:host': `${COMPUTE_HOST}@lvmdriver-1#lvmdriver-1`,
      'os-vol-mig-status-attr:migstat': null,
      'os-vol-mig-status-attr:name_id': null,
    });
  }
  return view;
}
