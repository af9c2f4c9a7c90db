import type { QuotaUsage } from '../compute/compute.models';
import { arrayField, asObject, field, isObject, num, optBool, optDate, optNum, optStr, str, stringMap } from '../http/json';
import { nextLink, type Page } from '../http/pagination';

export interface VolumeType {
  id: string;
  name: string;
  description?: string;
  isPublic: boolean;
}

/** A Cinder volume: `available`, `in-use`, `creating`, `error`... */
export interface Volume {
  id: string;
  /** Cinder sends `null` for a volume without a name: empty here. */
  name: string;
  status: string;
  sizeGiB: number;
  /** The type's name. */
  volumeType?: string;
  /** Cinder sends `"true"`/`"false"` strings. */
  bootable: boolean;
  /** `os-vol-tenant-attr:tenant_id`. */
  projectId?: string;
  userId?: string;
  availabilityZone?: string;
  /** The servers it is attached to. */
  attachedServerIds: string[];
  /** The image it was made from (`volume_image_metadata.image_id`). */
  imageId?: string;
  description?: string;
  metadata: Record<string, string>;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ListVolumesFilter {
  /** Admin only: one project's volumes (asked with `all_tenants`). */
  projectId?: string;
}

export function parseVolumeType(raw: unknown): VolumeType {
  const t = asObject(raw, 'volume_type');
  return {
    id: str(t, 'id', 'volume_type'),
    name: optStr(t, 'name') ?? '',
    description: optStr(t, 'description'),
    isPublic: optBool(t, 'is_public') ?? optBool(t, 'os-volume-type-access:is_public') ?? true,
  };
}

export function parseVolumeTypeList(body: unknown): VolumeType[] {
  return arrayField(asObject(body, 'body'), 'volume_types', 'body').map(parseVolumeType);
}

export function parseVolume(raw: unknown): Volume {
  const v = asObject(raw, 'volume');
  const attachments = Array.isArray(v['attachments']) ? v['attachments'].filter(isObject) : [];
  const image = isObject(v['volume_image_metadata']) ? v['volume_image_metadata'] : undefined;
  return {
    id: str(v, 'id', 'volume'),
    name: optStr(v, 'name') ?? '',
    status: optStr(v, 'status') ?? 'unknown',
    sizeGiB: num(v, 'size', 'volume'),
    volumeType: optStr(v, 'volume_type'),
    bootable: optBool(v, 'bootable') ?? false,
    projectId: optStr(v, 'os-vol-tenant-attr:tenant_id'),
    userId: optStr(v, 'user_id'),
    availabilityZone: optStr(v, 'availability_zone'),
    attachedServerIds: attachments.flatMap((a) => (typeof a['server_id'] === 'string' ? [a['server_id']] : [])),
    imageId: image ? optStr(image, 'image_id') : undefined,
    description: optStr(v, 'description'),
    metadata: stringMap(v, 'metadata'),
    createdAt: optDate(v, 'created_at', 'volume'),
    updatedAt: optDate(v, 'updated_at', 'volume'),
  };
}

export function parseVolumeBody(body: unknown): Volume {
  return parseVolume(field(body, 'volume', 'body'));
}

/** `GET /volumes/detail`, following `volumes_links` (Cinder pages at its `osapi_max_limit`, 1000 by default). */
export function parseVolumePage(body: unknown): Page<Volume> {
  const o = asObject(body, 'body');
  return { items: arrayField(o, 'volumes', 'body').map(parseVolume), next: nextLink(o['volumes_links']) };
}

/** A project's Cinder quotas with their usage (`os-quota-sets/{project}?usage=True`), as far as this product reads them. */
export interface VolumeQuotaUsage {
  /** GiB of volumes (and snapshots) the project may hold: what a boot-from-volume window uses. */
  gigabytes: QuotaUsage;
  volumes: QuotaUsage;
}

/** Each quota is `{limit, in_use, reserved, allocated}`; a limit of -1 is unlimited (null); reserved counts as used. */
export function parseVolumeQuotaUsage(body: unknown): VolumeQuotaUsage {
  const set = field(body, 'quota_set', 'body');
  const usage = (key: string): QuotaUsage => {
    const detail = field(set, key, 'quota_set');
    const max = num(detail, 'limit', `quota_set.${key}`);
    const used = (optNum(detail, 'in_use') ?? 0) + (optNum(detail, 'reserved') ?? 0);
    const limit = max < 0 ? null : max;
    return { limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
  };
  return { gigabytes: usage('gigabytes'), volumes: usage('volumes') };
}
