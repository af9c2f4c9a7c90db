import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FlavorDto, ImageDto, NetworkDto, QuotasDto } from '@peak/api-client';
import { Notifier } from '@peak/web/util';
import { CatalogPage } from './catalog-page';

const images: ImageDto[] = [
  { id: 'img-1', name: 'cirros-0.6.2', status: 'active', sizeBytes: 21_430_272, minDiskGiB: 1, minRamMiB: 64, visibility: 'public' },
  { id: 'img-2', name: 'debian-12', status: 'active', minDiskGiB: 0, minRamMiB: 0, visibility: 'private' },
];
const flavors: FlavorDto[] = [
  { id: 'f-tiny', name: 'm1.tiny', vcpus: 1, ramMiB: 512, diskGiB: 1, isPublic: true },
  { id: 'f-std', name: 'peak.standard', vcpus: 2, ramMiB: 4096, diskGiB: 20, isPublic: true, managed: 'standard', mismatches: [] },
  {
    id: 'f-large',
    name: 'peak.large',
    vcpus: 2,
    ramMiB: 8192,
    diskGiB: 40,
    isPublic: true,
    managed: 'large',
    mismatches: ['vcpus: expected 4, found 2'],
  },
];
const networks: NetworkDto[] = [{ id: 'net-1', name: 'private', status: 'ACTIVE', shared: false, external: false, subnets: ['s1', 's2'] }];

const quotas: QuotasDto = {
  projectId: 'p-demo',
  quotas: [
    { resource: 'instances', used: 9, limit: 10 },
    { resource: 'cores', used: 4, limit: null },
  ],
};

describe(CatalogPage.name, () => {
  let http: HttpTestingController;
  const errors: string[] = [];

  async function render() {
    errors.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: Notifier, useValue: { error: (m: string) => errors.push(m), success: () => undefined } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(CatalogPage);
    await fixture.whenStable();
    return fixture;
  }

  function rows(root: HTMLElement, heading: string): string[][] {
    const table = root.querySelector(`table[aria-labelledby="${heading}"]`);
    return [...(table?.querySelectorAll('tr[mat-row]') ?? [])].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
    );
  }

  afterEach(() => http.verify());

  it('lists images, flavors (managed ones first and marked) and networks', async () => {
    const fixture = await render();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelectorAll('mat-progress-bar')).toHaveLength(4);

    http.expectOne('/v1/quotas?refresh=false').flush(quotas);
    http.expectOne('/v1/images?refresh=false').flush(images);
    http.expectOne('/v1/flavors?refresh=false').flush(flavors);
    http.expectOne('/v1/networks?refresh=false').flush(networks);
    await fixture.whenStable();

    // The only bar left is the instances quota's (cores are unlimited).
    const quotaBars = root.querySelectorAll('mat-card[aria-labelledby="quotas-heading"] mat-progress-bar');
    expect([...quotaBars].map((bar) => bar.getAttribute('aria-label'))).toEqual(['Instances: 9 of 10 used']);
    expect(root.querySelector('[data-resource="cores"]')?.textContent).toContain('4 used, unlimited');
    expect(root.querySelectorAll('mat-progress-bar')).toHaveLength(1);
    expect(rows(root, 'images-heading')).toEqual([
      ['cirros-0.6.2img-1', 'active', 'public', '20 MiB', '1 GiB disk, 64 MiB RAM'],
      ['debian-12img-2', 'active', 'private', '—', 'no minimum'],
    ]);
    expect(rows(root, 'flavors-heading')).toEqual([
      ['peak.standardf-std', '2', '4 GiB', '20 GiB', 'public', 'verified Managed · standard'],
      [
        'peak.largef-large',
        '2',
        '8 GiB',
        '40 GiB',
        'public',
        'verified Managed · large warning Differs from the expected specs: vcpus: expected 4, found 2',
      ],
      ['m1.tinyf-tiny', '1', '512 MiB', '1 GiB', 'public', ''],
    ]);
    expect(rows(root, 'networks-heading')).toEqual([['privatenet-1', 'ACTIVE', 'no', 'no', '2']]);
  });

  it('shows the API message for a list that fails, keeps the others, and retries on refresh', async () => {
    const fixture = await render();
    const root = fixture.nativeElement as HTMLElement;

    http.expectOne('/v1/quotas?refresh=false').flush(quotas);
    http
      .expectOne('/v1/images?refresh=false')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'The cloud could not be reached: image service timed out' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    http.expectOne('/v1/flavors?refresh=false').flush([]);
    http.expectOne('/v1/networks?refresh=false').flush(networks);
    await fixture.whenStable();

    const failed = root.querySelector('mat-card[aria-labelledby="images-heading"] peak-empty-state');
    expect(failed?.textContent).toContain('The cloud could not be reached: image service timed out');
    expect(errors).toEqual(['Could not load images: The cloud could not be reached: image service timed out']);
    expect(root.querySelector('mat-card[aria-labelledby="flavors-heading"] peak-empty-state')?.textContent).toContain('No flavors');
    expect(rows(root, 'networks-heading')).toHaveLength(1);

    root.querySelector<HTMLButtonElement>('peak-page-header button')?.click();
    await fixture.whenStable();
    http.expectOne('/v1/quotas?refresh=true').flush(quotas);
    http.expectOne('/v1/images?refresh=true').flush(images);
    http.expectOne('/v1/flavors?refresh=true').flush(flavors);
    http.expectOne('/v1/networks?refresh=true').flush(networks);
    await fixture.whenStable();

    expect(rows(root, 'images-heading')).toHaveLength(2);
  });

  it('says why quotas could not be loaded, in their own card', async () => {
    const fixture = await render();
    const root = fixture.nativeElement as HTMLElement;
    http
      .expectOne('/v1/quotas?refresh=false')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'compute: Nova is down' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    http.expectOne('/v1/images?refresh=false').flush(images);
    http.expectOne('/v1/flavors?refresh=false').flush(flavors);
    http.expectOne('/v1/networks?refresh=false').flush(networks);
    await fixture.whenStable();

    expect(root.querySelector('mat-card[aria-labelledby="quotas-heading"] peak-empty-state')?.textContent).toContain(
      'compute: Nova is down',
    );
    expect(errors).toEqual(['Could not load quotas: compute: Nova is down']);
  });
});
