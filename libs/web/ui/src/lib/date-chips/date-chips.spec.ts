import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { provideNativeDateAdapter } from '@angular/material/core';
import { DateChips } from './date-chips';

@Component({
  imports: [ReactiveFormsModule, DateChips],
  template: `<peak-date-chips label="Excluded dates" [formControl]="control" />`,
})
class Host {
  readonly control = new FormControl<string[]>(['2026-12-31', '2026-12-25'], { nonNullable: true });
}

describe(DateChips.name, () => {
  async function setup() {
    TestBed.configureTestingModule({ providers: [provideNativeDateAdapter()] });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const chips = () => [...root.querySelectorAll('mat-chip-row')].map((c) => c.textContent?.replace('cancel', '').trim());
    return { fixture, root, chips, host: fixture.componentInstance };
  }

  it('shows the dates sorted', async () => {
    const { chips } = await setup();

    expect(chips()).toEqual(['2026-12-25', '2026-12-31']);
  });

  it('adds a typed date as its calendar date, once', async () => {
    const { fixture, root, chips, host } = await setup();
    const input = root.querySelector('input') as HTMLInputElement;

    for (const typed of ['1/1/2027', '1/1/2027']) {
      input.value = typed;
      input.dispatchEvent(new Event('input'));
      input.dispatchEvent(new Event('change'));
      await fixture.whenStable();
    }

    expect(host.control.value).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
    expect(chips()).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
    expect(input.value).toBe('');
  });

  function pressEnter(input: HTMLInputElement) {
    const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    Object.defineProperty(event, 'keyCode', { get: () => 13 });
    input.dispatchEvent(event);
    return event;
  }

  it('adds a typed date on Enter and clears its text, without submitting a form around it', async () => {
    const { fixture, root, chips, host } = await setup();
    const input = root.querySelector('input') as HTMLInputElement;

    input.value = '1/1/2027';
    input.dispatchEvent(new Event('input'));
    const enter = pressEnter(input);
    await fixture.whenStable();

    expect(host.control.value).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
    expect(chips()).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
    expect(input.value).toBe('');
    expect(enter.defaultPrevented).toBe(true);

    // Leaving the field afterwards adds nothing more.
    input.dispatchEvent(new Event('change'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
    expect(host.control.value).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
  });

  it('keeps text that is no date on Enter, to be corrected', async () => {
    const { fixture, root, host } = await setup();
    const input = root.querySelector('input') as HTMLInputElement;

    input.value = 'next friday';
    input.dispatchEvent(new Event('input'));
    pressEnter(input);
    await fixture.whenStable();

    expect(host.control.value).toEqual(['2026-12-31', '2026-12-25']);
    expect(input.value).toBe('next friday');
  });

  it('removes a date with its chip button', async () => {
    const { fixture, root, host } = await setup();

    root.querySelector<HTMLButtonElement>('button[aria-label="Remove 2026-12-25"]')?.click();
    await fixture.whenStable();

    expect(host.control.value).toEqual(['2026-12-31']);
  });
});
