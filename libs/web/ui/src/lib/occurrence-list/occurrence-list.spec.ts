import { TestBed } from '@angular/core/testing';
import { OccurrenceList, OccurrenceView } from './occurrence-list';

describe(OccurrenceList.name, () => {
  async function render(occurrences: OccurrenceView[], timeZone = 'Europe/Paris') {
    const fixture = TestBed.createComponent(OccurrenceList);
    fixture.componentRef.setInput('occurrences', occurrences);
    fixture.componentRef.setInput('timeZone', timeZone);
    fixture.componentRef.setInput('locale', 'en-GB');
    await fixture.whenStable();
    const rows = [...(fixture.nativeElement as HTMLElement).querySelectorAll('li')];
    return rows.map((li) => ({
      day: li.querySelector('.day')?.textContent?.trim(),
      time: li.querySelector('.time')?.textContent?.trim(),
      offset: li.querySelector('.offset')?.textContent?.trim(),
      notes: [...li.querySelectorAll('.note')].map((n) => n.textContent?.replace('schedule', '').trim()),
      skipped: li.classList.contains('skipped'),
    }));
  }

  it('shows each window in the schedule zone, not the machine zone', async () => {
    const sut = await render([{ start: '2026-07-06T06:00:00Z', end: '2026-07-06T08:00:00Z' }], 'America/New_York');

    expect(sut).toEqual([{ day: 'Mon, 6 Jul 2026', time: '02:00 – 04:00', offset: 'GMT-4', notes: [], skipped: false }]);
  });

  it('marks the first window after a clock change', async () => {
    // 08:00 Paris every day across the spring change of 29 March 2026.
    const sut = await render([
      { start: '2026-03-28T07:00:00Z', end: '2026-03-28T09:00:00Z' },
      { start: '2026-03-29T06:00:00Z', end: '2026-03-29T08:00:00Z' },
      { start: '2026-03-30T06:00:00Z', end: '2026-03-30T08:00:00Z' },
    ]);

    expect(sut.map((r) => [r.time, r.offset, r.notes])).toEqual([
      ['08:00 – 10:00', 'GMT+1', []],
      ['08:00 – 10:00', 'GMT+2', ['Clock change since the previous window: GMT+1 → GMT+2']],
      ['08:00 – 10:00', 'GMT+2', []],
    ]);
  });

  it('explains a start moved out of a DST gap and a window that spans the change', async () => {
    // Asked for 02:30 on 29 March 2026 in Paris: that time does not exist, the API moved it to 03:00.
    const sut = await render([
      {
        start: '2026-03-29T01:00:00Z',
        end: '2026-03-29T03:00:00Z',
        dstAdjustment: 'shifted-forward',
        requestedLocalStart: '2026-03-29T02:30',
      },
    ]);

    expect(sut[0]?.notes).toEqual(['Starts at 03:00, not 02:30: that time does not exist on this day (DST gap)']);

    const spanning = await render([{ start: '2026-10-25T00:00:00Z', end: '2026-10-25T03:00:00Z' }]);
    expect(spanning[0]).toMatchObject({
      time: '02:00 – 04:00', // three hours elapsed: the clock shows two
      offset: 'GMT+2 → GMT+1',
      notes: ['The clocks change during this window (GMT+2 → GMT+1)'],
    });
  });

  it('strikes through skipped windows and shows multi-day windows with their end date', async () => {
    const sut = await render([{ start: '2026-12-24T21:00:00Z', end: '2026-12-25T01:00:00Z', status: 'skipped' }]);

    expect(sut[0]).toMatchObject({
      day: 'Thu, 24 Dec 2026',
      time: '22:00 – Fri, 25 Dec 2026, 02:00',
      skipped: true,
      notes: ['Excluded date: no VMs'],
    });
  });
});
