import { arrayField, asObject, optBool, optDate, optNum, optStr, str, stringArray } from '../http/json';
import { nextPageQuery } from '../http/url';
import type { Page } from '../http/pagination';

export interface Image {
  id: string;
  name: string;
  /** `queued`, `saving`, `active`, `killed`, `deleted`, `deactivated`... */
  status: string;
  /** `public`, `private`, `shared` or `community`. */
  visibility: string;
  minDiskGiB: number;
  minRamMiB: number;
  sizeBytes?: number;
  diskFormat?: string;
  containerFormat?: string;
  tags: string[];
  ownerId?: string;
  isProtected: boolean;
  isHidden: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ListImagesFilter {
  /** Exact name. */
  name?: string;
  status?: string;
  visibility?: 'public' | 'private' | 'shared' | 'community' | 'all';
  /** Images carrying this tag. */
  tag?: string;
  pageSize?: number;
}

export function parseImage(raw: unknown): Image {
  const i = asObject(raw, 'image');
  return {
    id: str(i, 'id', 'image'),
    // Glance allows nameless images.
    name: optStr(i, 'name') ?? '',
    status: str(i, 'status', 'image'),
    visibility: optStr(i, 'visibility') ?? 'private',
    minDiskGiB: optNum(i, 'min_disk') ?? 0,
    minRamMiB: optNum(i, 'min_ram') ?? 0,
    sizeBytes: optNum(i, 'size'),
    diskFormat: optStr(i, 'disk_format'),
    containerFormat: optStr(i, 'container_format'),
    tags: stringArray(i, 'tags'),
    ownerId: optStr(i, 'owner'),
    isProtected: optBool(i, 'protected') ?? false,
    isHidden: optBool(i, 'os_hidden') ?? false,
    createdAt: optDate(i, 'created_at', 'image'),
    updatedAt: optDate(i, 'updated_at', 'image'),
  };
}

/** `GET /v2/images`: the `next` key (a relative URL) is present only when more pages exist. */
export function parseImagePage(body: unknown): Page<Image> {
  const o = asObject(body, 'body');
  const next = optStr(o, 'next');
  return { items: arrayField(o, 'images', 'body').map(parseImage), next: next ? nextPageQuery(next) : undefined };
}
