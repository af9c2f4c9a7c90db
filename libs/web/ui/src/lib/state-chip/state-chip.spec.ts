import { TestBed } from '@angular/core/testing';
import { StateChip } from './state-chip';

describe(StateChip.name, () => {
  async function render(state: string) {
    const fixture = TestBed.createComponent(StateChip);
    fixture.componentRef.setInput('state', state);
    await fixture.whenStable();
    const host = fixture.nativeElement as HTMLElement;
    return {
      host,
      label: host.querySelector('.label')?.textContent?.trim(),
      icon: host.querySelector('mat-icon')?.textContent?.trim(),
      tone: host.querySelector('.chip')?.getAttribute('data-tone'),
    };
  }

  it.each([
    ['active', 'Active', 'check_circle', 'success'],
    ['degraded', 'Degraded', 'warning', 'warning'],
    ['partial', 'Partial', 'rule', 'warning'],
    ['failed', 'Failed', 'error', 'error'],
    ['provisioning', 'Provisioning', 'sync', 'progress'],
    ['disabled', 'Disabled', 'pause_circle', 'neutral'],
    ['tearing-down', 'Tearing down', 'sync', 'progress'],
    ['upcoming', 'Upcoming', 'alarm', 'info'],
  ])('shows %s with its label, icon and tone', async (state, label, icon, tone) => {
    const sut = await render(state);

    expect(sut).toMatchObject({ label, icon, tone });
    expect(sut.host.getAttribute('data-state')).toBe(state);
  });

  it('shows a state it does not know by its raw name, neutrally', async () => {
    const sut = await render('waiting_for_quota');

    expect(sut).toMatchObject({ label: 'Waiting for quota', icon: 'help', tone: 'neutral' });
  });
});
