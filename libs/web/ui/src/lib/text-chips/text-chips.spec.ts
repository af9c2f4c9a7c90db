import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { TextChips } from './text-chips';

@Component({
  imports: [ReactiveFormsModule, TextChips],
  template: `<peak-text-chips label="Tags" [formControl]="control" />`,
})
class Host {
  readonly control = new FormControl<string[]>(['web'], { nonNullable: true });
}

describe(TextChips.name, () => {
  async function setup() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const chips = () => [...root.querySelectorAll('mat-chip-row')].map((c) => c.textContent?.replace('cancel', '').trim());
    const input = root.querySelector('input') as HTMLInputElement;
    const type = async (text: string, key = 'Enter') => {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      input.dispatchEvent(new KeyboardEvent('keydown', { key, keyCode: key === 'Enter' ? 13 : 188 }));
      await fixture.whenStable();
    };
    return { fixture, root, chips, type, input, host: fixture.componentInstance };
  }

  it('shows the values in the order given', async () => {
    const { chips } = await setup();

    expect(chips()).toEqual(['web']);
  });

  it('adds a typed value on Enter or comma, trimmed and once', async () => {
    const { chips, type, host, input } = await setup();

    await type(' black-friday ');
    await type('shop', ',');
    await type('web');

    expect(chips()).toEqual(['web', 'black-friday', 'shop']);
    expect(host.control.value).toEqual(['web', 'black-friday', 'shop']);
    expect(input.value).toBe('');
  });

  it('removes a value with its remove button', async () => {
    const { fixture, root, chips, host } = await setup();

    root.querySelector<HTMLButtonElement>('button[aria-label="Remove web"]')?.click();
    await fixture.whenStable();

    expect(chips()).toEqual([]);
    expect(host.control.value).toEqual([]);
    expect(host.control.touched).toBe(true);
  });
});
