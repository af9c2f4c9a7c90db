import { TestBed } from '@angular/core/testing';
import type { CapacityCheckDto } from '@peak/api-client';
import { CapacityFit } from './capacity-fit';

describe(CapacityFit.name, () => {
  async function render(capacity: CapacityCheckDto) {
    const fixture = TestBed.createComponent(CapacityFit);
    fixture.componentRef.setInput('capacity', capacity);
    fixture.componentRef.setInput('timeZone', 'UTC');
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('says the schedule fits, until when', async () => {
    const sut = await render({ fits: true, horizonEnd: '2027-01-13T00:00:00Z', conflicts: [], reason: null });
    expect(sut.querySelector('[role="status"]')?.getAttribute('data-fits')).toBe('true');
    expect(sut.textContent).toMatch(/Fits the project's quota until .*2027.* GMT\+0/);
    expect(sut.querySelector('ul')).toBeNull();
  });

  it('lists each conflict with its resource, what is needed and available, when, and the schedules', async () => {
    const sut = await render({
      fits: false,
      horizonEnd: '2027-01-13T00:00:00Z',
      reason: null,
      conflicts: [
        {
          resource: 'vcpus',
          from: '2026-12-14T09:00:00Z',
          to: '2026-12-14T10:00:00Z',
          needed: 24,
          available: 20,
          schedules: [{ id: 'a', name: 'A' }],
        },
        {
          resource: 'ramMb',
          from: '2026-12-15T09:00:00Z',
          to: '2026-12-15T10:00:00Z',
          needed: 60000,
          available: 51200,
          schedules: [
            { id: 'a', name: 'A' },
            { id: 'b', name: 'B' },
          ],
        },
      ],
    });
    const items = [...sut.querySelectorAll('li')].map((li) => li.textContent?.trim());
    expect(items[0]).toMatch(/^vCPUs: 24 needed, 20 available, from .*14.*09:00.* GMT\+0 to .*10:00.* GMT\+0 \(A\)$/);
    expect(items[1]).toMatch(/^RAM: 60000 MB needed, 51200 MB available, from .* \(A, B\)$/);
  });

  it('gives the reason when the quota could not be read', async () => {
    const sut = await render({ fits: null, horizonEnd: '2027-01-13T00:00:00Z', conflicts: [], reason: 'Nova did not answer' });
    expect(sut.textContent).toContain('The quota could not be checked: Nova did not answer');
  });
});
