import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import { ServiceClient, type RequestOptions } from '../service-client';
import {
  parseVolumeBody,
  parseVolumePage,
  parseVolumeQuotaUsage,
  parseVolumeTypeList,
  type ListVolumesFilter,
  type Volume,
  type VolumeQuotaUsage,
  type VolumeType,
} from './block-storage.models';

/** Older clouds publish Cinder v3 as `volumev3`. */
const CATALOG_ALIASES = ['volumev3'];

/**
 * Cinder v3 (read only): volume types and volumes. Optional: many clouds (the real test cloud among them) have no
 * Cinder. Then {@link available} is false and every call fails with an `OpenStackError` whose fault is
 * `EndpointNotFound` (status 0), before any request is sent.
 */
export class BlockStorageClient extends ServiceClient {
  constructor(session: Session) {
    super(session, 'block-storage');
  }

  async listVolumeTypes(options?: RequestOptions): Promise<VolumeType[]> {
    const response = await this.call('GET', '/types', options);
    return this.parse(response, '/types', parseVolumeTypeList);
  }

  /** The project's volumes with details, across pages; an admin may name another project. */
  async listVolumes(filter: ListVolumesFilter = {}, options?: RequestOptions): Promise<Volume[]> {
    const query = new URLSearchParams();
    if (filter.projectId !== undefined) {
      query.set('all_tenants', '1');
      query.set('project_id', filter.projectId);
    }
    return this.collect('/volumes/detail', query, parseVolumePage, options);
  }

  /** A project's quotas and usage (its own, or any for an admin): `GET /os-quota-sets/{project}?usage=True`. */
  async getQuotaUsage(projectId: string, options?: RequestOptions): Promise<VolumeQuotaUsage> {
    const response = await this.call('GET', '/os-quota-sets/{id}', { params: { id: projectId }, query: { usage: 'True' }, ...options });
    return this.parse(response, '/os-quota-sets/{id}', parseVolumeQuotaUsage);
  }

  /** One volume of the project (any, for an admin); an unknown one is a 404 `OpenStackError`. */
  async getVolume(id: string, options?: RequestOptions): Promise<Volume> {
    const response = await this.call('GET', '/volumes/{id}', { params: { id }, ...options });
    return this.parse(response, '/volumes/{id}', parseVolumeBody);
  }

  /**
   * Cinder is published as `http://h:8776/v3/<project_id>` (or devstack's `http://h/volume/v3/<project_id>`), or
   * unversioned. Calls go to v3 under the project of the token in use: a user-token client's calls name the user's
   * project, not the service account's that the catalog URL carries.
   */
  protected override async resolveBaseUrl(): Promise<string> {
    const catalogUrl = await this.optionalEndpoint('block storage (Cinder)', CATALOG_ALIASES);
    const { root, version, suffix } = splitEndpoint(catalogUrl);
    const projectId = (await this.session.current()).info.project?.id;
    if (projectId !== undefined) return `${root}/v3/${projectId}`;
    return version === 'v3' ? `${root}/v3${suffix}` : `${root}/v3`;
  }
}
