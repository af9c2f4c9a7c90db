import { splitEndpoint } from '../http/url';
import type { Session } from '../identity/session';
import { ServiceClient, type RequestOptions } from '../service-client';
import { parseImage, parseImagePage, type Image, type ListImagesFilter } from './image.models';

/** Glance v2 (read only). */
export class ImageClient extends ServiceClient {
  constructor(session: Session) {
    super(session, 'image');
  }

  /** Every matching image across all pages. */
  async listImages(filter: ListImagesFilter = {}, options?: RequestOptions): Promise<Image[]> {
    const query = new URLSearchParams();
    if (filter.name !== undefined) query.set('name', filter.name);
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.visibility !== undefined) query.set('visibility', filter.visibility);
    if (filter.tag !== undefined) query.set('tag', filter.tag);
    if (filter.pageSize !== undefined) query.set('limit', String(filter.pageSize));
    return this.collect('/images', query, parseImagePage, options);
  }

  async getImage(id: string, options?: RequestOptions): Promise<Image> {
    const response = await this.call('GET', '/images/{id}', { params: { id }, ...options });
    // Glance returns the image itself, without a wrapper key.
    return this.parse(response, '/images/{id}', parseImage);
  }

  /** Glance is published unversioned (`http://h:9292`) or as `.../v2`: either way we speak v2. */
  protected override async resolveBaseUrl(): Promise<string> {
    return `${splitEndpoint(await this.session.endpoint('image')).root}/v2`;
  }
}
