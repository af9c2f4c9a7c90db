import { TestBed } from '@angular/core/testing';
import { StateChip, StateLook } from './state-chip';

describe(StateChip.name, () => {
  async function render(state: string, looks?: Record<string, StateLook>) {
    const fixture = TestBed.createComponent(StateChip);
    fixture.componentRef.setInput('state', state);
    if (looks) fixture.componentRef.setInput('looks', looks);
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

  it('takes the looks of another kind of state, and still names one it does not know', async () => {
    const looks = { pending: { label: 'Waiting', icon: 'schedule', tone: 'info', hint: 'Not sent yet' } } as const;

    expect(await render('pending', looks)).toMatchObject({ label: 'Waiting', icon: 'schedule', tone: 'info' });
    // Not the run state's look of the same name.
    expect(await render('active', looks)).toMatchObject({ label: 'Active', icon: 'help', tone: 'neutral' });
  });
});
