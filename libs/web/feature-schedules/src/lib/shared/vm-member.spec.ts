import { TestBed } from '@angular/core/testing';
import { RunVmMemberDto } from '@peak/api-client';
import { memberSteps, VmMember } from './vm-member';

const draining: RunVmMemberDto = {
  state: 'draining',
  memberId: 'm-1',
  address: '10.0.0.12',
  joinedAt: '2026-06-01T08:00:00Z',
  onlineAt: '2026-06-01T08:00:20Z',
  drainingAt: '2026-06-01T10:00:00Z',
  removedAt: null,
};

describe(VmMember.name, () => {
  async function render(member: RunVmMemberDto) {
    const fixture = TestBed.createComponent(VmMember);
    fixture.componentRef.setInput('member', member);
    fixture.componentRef.setInput('formatTime', (instant: string) => instant.slice(11, 19));
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('lists the steps taken, in order', () => {
    expect(memberSteps(draining)).toEqual([
      { label: 'Joined', at: '2026-06-01T08:00:00Z' },
      { label: 'Online', at: '2026-06-01T08:00:20Z' },
      { label: 'Draining', at: '2026-06-01T10:00:00Z' },
    ]);
  });

  it('shows the state, the address and the time of each step', async () => {
    const sut = await render(draining);

    expect(sut.querySelector('peak-state-chip .label')?.textContent?.trim()).toBe('Draining');
    expect(sut.querySelector('.address')?.textContent?.trim()).toBe('10.0.0.12');
    expect([...sut.querySelectorAll('.step')].map((s) => s.textContent?.trim())).toEqual([
      'Joined 08:00:00',
      'Online 08:00:20',
      'Draining 10:00:00',
    ]);
  });

  it.each([
    ['pending', 'Pending'],
    ['member', 'Member'],
    ['online', 'Online'],
    ['removed', 'Removed'],
  ] as const)('names the state %s as %s', async (state, label) => {
    const sut = await render({ ...draining, state, address: null, joinedAt: null, onlineAt: null, drainingAt: null });

    expect(sut.querySelector('peak-state-chip .label')?.textContent?.trim()).toBe(label);
    expect(sut.querySelector('.address')).toBeNull();
    expect(sut.querySelector('.steps')).toBeNull();
  });
});
