import { TestBed } from '@angular/core/testing';
import { VmProgress } from './vm-progress';

describe(VmProgress.name, () => {
  async function render(active: number, desired: number) {
    const fixture = TestBed.createComponent(VmProgress);
    fixture.componentRef.setInput('active', active);
    fixture.componentRef.setInput('desired', desired);
    await fixture.whenStable();
    const host = fixture.nativeElement as HTMLElement;
    return {
      label: host.querySelector('.label')?.textContent?.trim(),
      value: host.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow'),
    };
  }

  it('shows ACTIVE VMs out of the desired count as words and as a bar', async () => {
    expect(await render(3, 4)).toEqual({ label: '3 / 4 VMs active', value: '75' });
  });

  it('stays at 0 for a run that wants no VMs, and never passes 100', async () => {
    expect(await render(0, 0)).toEqual({ label: '0 / 0 VMs active', value: '0' });
    expect((await render(5, 4)).value).toBe('100');
  });
});
