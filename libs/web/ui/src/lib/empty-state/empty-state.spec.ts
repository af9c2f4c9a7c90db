import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { EmptyState } from './empty-state';

@Component({
  imports: [EmptyState],
  template: `<peak-empty-state icon="inventory_2" heading="Nothing here" message="Add one"><button>Create</button></peak-empty-state>`,
})
class Host {}

describe(EmptyState.name, () => {
  it('shows the icon, heading, message and projected actions as a status', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const sut = (fixture.nativeElement as HTMLElement).querySelector('peak-empty-state');

    expect(sut?.getAttribute('role')).toBe('status');
    expect(sut?.querySelector('mat-icon')?.textContent).toBe('inventory_2');
    expect(sut?.querySelector('h2')?.textContent).toBe('Nothing here');
    expect(sut?.querySelector('p')?.textContent).toBe('Add one');
    expect(sut?.querySelector('.actions button')?.textContent).toBe('Create');
  });
});
