import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import type { QuotaDto } from '@peak/api-client';
import { QuotaList, quotaRow } from './quota-list';

const quotas: QuotaDto[] = [
  { resource: 'instances', used: 3, limit: 10 },
  { resource: 'cores', used: 18, limit: 20 },
  { resource: 'ramMiB', used: 6144, limit: 51200 },
  { resource: 'keyPairs', used: null, limit: 100 },
  { resource: 'serverGroups', used: 1, limit: null },
];

describe(QuotaList.name, () => {
  async function render(list: QuotaDto[]) {
    const fixture = TestBed.createComponent(QuotaList);
    fixture.componentRef.setInput('quotas', list);
    await fixture.whenStable();
    return { fixture, root: fixture.nativeElement as HTMLElement, loader: TestbedHarnessEnvironment.loader(fixture) };
  }

  const texts = (root: HTMLElement) =>
    [...root.querySelectorAll('li')].map(
      (li) => `${li.querySelector('.label')?.textContent?.trim()} ${li.querySelector('.text')?.textContent?.trim()}`,
    );

  it('shows each quota as used of limit, unlimited or not reported, with a labelled bar where there is a limit', async () => {
    const { root, loader } = await render(quotas);
    expect(texts(root)).toEqual([
      'Instances 3 of 10 used',
      'vCPUs 18 of 20 used',
      'RAM 6 GiB of 50 GiB used',
      'Key pairs limit 100, usage not reported',
      'Server groups 1 used, unlimited',
    ]);

    const bars = await loader.getAllHarnesses(MatProgressBarHarness);
    expect(await Promise.all(bars.map((bar) => bar.getValue()))).toEqual([30, 90, 12]);
    const hosts = [...root.querySelectorAll('mat-progress-bar')];
    expect(hosts.map((bar) => bar.getAttribute('aria-label'))).toEqual([
      'Instances: 3 of 10 used',
      'vCPUs: 18 of 20 used',
      'RAM: 6 GiB of 50 GiB used',
    ]);
    expect(hosts.map((bar) => bar.getAttribute('aria-valuenow'))).toEqual(['30', '90', '12']);
  });

  it('marks a quota at 90 % or more in the warning colour, and one below it not', async () => {
    const { root } = await render(quotas);
    const warned = [...root.querySelectorAll('li.warning')].map((li) => li.getAttribute('data-resource'));
    expect(warned).toEqual(['cores']);
  });

  it('caps the bar at 100 % when a project is over its quota, and treats a zero limit as full', () => {
    expect(quotaRow({ resource: 'instances', used: 12, limit: 10 })).toMatchObject({ percent: 100, warning: true, text: '12 of 10 used' });
    expect(quotaRow({ resource: 'instances', used: 0, limit: 0 })).toMatchObject({ percent: 100, warning: true });
    expect(quotaRow({ resource: 'instances', used: 8, limit: 10 })).toMatchObject({ percent: 80, warning: false });
    expect(quotaRow({ resource: 'keyPairs', used: null, limit: null })).toMatchObject({ percent: null, text: 'unlimited' });
  });
});
