import { type Json, type Session, call, login } from '../../testing/http';
import { stableHexId, stableUuid } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';
import { imageService } from './image';

describe(imageService.name, () => {
  let sut: RunningSimulator;
  let demo: Session;
  const names = (response: Json) => response.body.images.map((i: Json) => i.name);

  beforeAll(async () => {
    // Four images, so paging has something to do; one private to the admin project.
    sut = await startSimulator({
      port: 0,
      seed: {
        images: [
          { name: 'cirros-0.6.2-x86_64-disk', size: 21430272 },
          { name: 'ubuntu-24.04', size: 614203392 },
          { name: 'fedora-40', size: 500_000_000 },
          { name: 'admin-only', size: 1000, visibility: 'private', owner: 'admin' },
        ],
      },
    });
    demo = await login(sut.url, 'demo', 'demo');
  });

  afterAll(() => sut.close());

  it('answers the root with 300 and the version list, newest first', async () => {
    const response = await call(`${sut.url}/image`, 'GET');
    expect(response.status).toBe(300);
    expect(response.body.versions[0]).toEqual({ id: 'v2.16', status: 'CURRENT', links: [{ rel: 'self', href: `${sut.url}/image/v2/` }] });
    expect(response.body.versions.at(-1).id).toBe('v2.0');
    // Answered before Glance's request-id middleware, as `/versions`.
    expect(response.headers.get('x-openstack-request-id')).toBeNull();
    expect((await call(`${sut.url}/image/versions`, 'GET')).headers.get('x-openstack-request-id')).toBeNull();
  });

  it('lists the images the project may see', async () => {
    const response = await demo.call('GET', '/image/v2/images');
    expect(names(response).sort()).toEqual(['cirros-0.6.2-x86_64-disk', 'fedora-40', 'ubuntu-24.04']);
    expect(response.body).toMatchObject({ first: '/v2/images', schema: '/v2/schemas/images' });
    expect(response.body.next).toBeUndefined();
    const admin = await login(sut.url);
    expect(names(await admin.call('GET', '/image/v2/images'))).toContain('admin-only');
  });

  it('filters by name', async () => {
    const response = await demo.call('GET', '/image/v2/images?name=ubuntu-24.04');
    expect(response.body.images).toEqual([
      expect.objectContaining({
        id: stableUuid('image', 'ubuntu-24.04'),
        name: 'ubuntu-24.04',
        status: 'active',
        visibility: 'public',
        owner: stableHexId('project', 'admin'),
      }),
    ]);
    expect(response.body.first).toBe('/v2/images?name=ubuntu-24.04');
  });

  it('pages with limit, marker and a next link that keeps the query', async () => {
    const page1 = await demo.call('GET', '/image/v2/images?limit=2&sort=name:asc');
    expect(names(page1)).toEqual(['cirros-0.6.2-x86_64-disk', 'fedora-40']);
    expect(page1.body.next).toBe(`/v2/images?limit=2&sort=name%3Aasc&marker=${stableUuid('image', 'fedora-40')}`);
    const page2 = await demo.call('GET', `/image${page1.body.next}`);
    expect(names(page2)).toEqual(['ubuntu-24.04']);
    expect(page2.body.next).toBeUndefined();
    expect((await demo.call('GET', '/image/v2/images?marker=nope')).status).toBe(400);
  });

  it('shows one image as a bare object and answers unknown ids with 404', async () => {
    const id = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
    const shown = await demo.call('GET', `/image/v2/images/${id}`);
    expect(shown.body).toMatchObject({
      id,
      name: 'cirros-0.6.2-x86_64-disk',
      size: 21430272,
      self: `/v2/images/${id}`,
      file: `/v2/images/${id}/file`,
    });
    const missing = await demo.call('GET', '/image/v2/images/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: 'No image found with ID nope<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    expect((await demo.call('GET', `/image/v2/images/${stableUuid('image', 'admin-only')}`)).status).toBe(404);
  });

  it('answers 404 in plain text to a client that does not ask for JSON', async () => {
    const response = await fetch(`${sut.url}/image/v2/images/nope`, { headers: { 'X-Auth-Token': demo.token } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('No image found with ID nope');
  });

  it('requires a token, refusing with webob’s 401 (not keystonemiddleware’s body) and no request id', async () => {
    const response = await call(`${sut.url}/image/v2/images`, 'GET');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      message: expect.stringMatching(/^This server could not verify that you are authorized to access the document you requested\./),
      code: '401 Unauthorized',
      title: 'Unauthorized',
    });
    expect(response.headers.get('www-authenticate')).toBe(`Keystone uri="${sut.url}/identity"`);
    expect(response.headers.get('x-openstack-request-id')).toBeNull();
  });

  it('names the store an image is in (Glance with enabled_backends)', async () => {
    const [image] = (await demo.call('GET', '/image/v2/images?name=cirros-0.6.2-x86_64-disk')).body.images;
    expect(image.stores).toBe('file');
  });
});
