import { TestBed } from '@angular/core/testing';
import { ChangeDiff, fieldChanges } from './change-diff';

describe(ChangeDiff.name, () => {
  it('pairs the before and after of each changed field', () => {
    expect(fieldChanges({ instanceCount: 3, userData: '***' }, { instanceCount: 5, userData: '***', tags: ['a'] })).toEqual([
      { field: 'instanceCount', before: '3', after: '5' },
      { field: 'userData', before: '***', after: '***' },
      { field: 'tags', before: null, after: '["a"]' },
    ]);
    // A create has no before, a delete no after.
    expect(fieldChanges(null, { name: 'Peak' })).toEqual([{ field: 'name', before: null, after: 'Peak' }]);
    expect(fieldChanges({ window: { type: 'once' } }, null)).toEqual([{ field: 'window', before: '{"type":"once"}', after: null }]);
    expect(fieldChanges(null, null)).toEqual([]);
  });

  it('shows a table with a row per field, and says when nothing changed', async () => {
    const fixture = TestBed.createComponent(ChangeDiff);
    fixture.componentRef.setInput('before', { instanceCount: 3 });
    fixture.componentRef.setInput('after', { instanceCount: 5 });
    fixture.componentRef.setInput('label', 'Changes of schedule.update');
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const table = root.querySelector('table');
    expect(table?.getAttribute('aria-label')).toBe('Changes of schedule.update');
    const cells = [...root.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent?.trim()));
    expect(cells).toEqual([['instanceCount', '3', '5']]);

    fixture.componentRef.setInput('before', null);
    fixture.componentRef.setInput('after', null);
    await fixture.whenStable();
    expect(root.textContent).toContain('No fields changed.');
  });
});
