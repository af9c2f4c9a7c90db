import { TestBed } from '@angular/core/testing';
import type { CapacityDto } from '@peak/api-client';
import { demandChart, timelineRange } from '../timeline.model';
import { DemandChartView } from './demand-chart';

const capacity: CapacityDto = {
  projectId: 'p1',
  from: '2026-12-14T00:00:00.000Z',
  to: '2026-12-21T00:00:00.000Z',
  fits: false,
  reason: null,
  resources: [{ resource: 'instances', limit: 5, usageNotOurs: 1, available: 4, steps: [] }],
  contributions: [
    {
      schedule: { id: 'a', name: 'Release' },
      from: '2026-12-14T10:00:00.000Z',
      to: '2026-12-14T14:00:00.000Z',
      instances: 3,
      vcpus: 6,
      ramMb: 1,
      volumeGb: 0,
    },
    {
      schedule: { id: 'b', name: 'Daily' },
      from: '2026-12-14T12:00:00.000Z',
      to: '2026-12-14T14:00:00.000Z',
      instances: 2,
      vcpus: 4,
      ramMb: 1,
      volumeGb: 0,
    },
  ],
  conflicts: [
    {
      resource: 'instances',
      from: '2026-12-14T12:00:00.000Z',
      to: '2026-12-14T14:00:00.000Z',
      needed: 5,
      available: 4,
      schedules: [
        { id: 'a', name: 'Release' },
        { id: 'b', name: 'Daily' },
      ],
    },
  ],
};

describe(DemandChartView.name, () => {
  beforeEach(() => {
    // jsdom has no canvas: Chart.js says so and draws nothing; the text alternative is what is tested here.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  async function render(resource: 'instances' | 'vcpus') {
    const range = timelineRange('week', '2026-12-14', 'UTC');
    const fixture = TestBed.createComponent(DemandChartView);
    fixture.componentRef.setInput('chart', demandChart(capacity, resource, range));
    fixture.componentRef.setInput('range', range);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('labels the canvas with the peak, the quota line and each conflict, and lists the steps in a table', async () => {
    const sut = await render('instances');
    const summary = sut.querySelector('[data-testid="chart-summary"]')?.textContent ?? '';
    expect(summary).toMatch(/^Planned instances: at most 5 VMs, from .*12:00.*, over 2 schedules\./);
    expect(summary).toContain('Quota line: 4 VMs available (limit 5, 1 used by other VMs).');
    expect(summary).toMatch(/1 conflict: 5 needed, 4 available from .*12:00.* to .*(14:00|02:00 PM).* \(Release, Daily\)\.$/);
    expect(sut.querySelector('canvas')?.getAttribute('role')).toBe('img');
    expect(sut.querySelector('canvas')?.getAttribute('aria-label')).toBe(summary);

    const rows = [...sut.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].slice(2).map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['0', '4'],
      ['3', '4'],
      ['5', '4'],
      ['0', '4'],
    ]);
    expect(sut.querySelectorAll('tbody tr.over')).toHaveLength(1);
  });

  it('says when there is no quota line', async () => {
    const sut = await render('vcpus');
    const summary = sut.querySelector('[data-testid="chart-summary"]')?.textContent ?? '';
    expect(summary).toContain('Planned vCPUs: at most 10 vCPUs');
    expect(summary).toContain('No quota line: the quota is unlimited or could not be read. No conflict.');
  });
});
