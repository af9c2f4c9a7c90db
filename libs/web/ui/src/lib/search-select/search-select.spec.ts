import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { SearchSelect, SelectOption } from './search-select';

@Component({
  imports: [ReactiveFormsModule, SearchSelect],
  template: `<peak-search-select label="Image" [options]="options()" [formControl]="control" error="Choose an image" />`,
})
class Host {
  readonly options = signal<readonly SelectOption[]>([
    { value: 'img-1', label: 'cirros-0.6.2', hint: 'active' },
    { value: 'img-2', label: 'debian-12', hint: 'active' },
    { value: 'img-3', label: 'ubuntu-24.04', hint: 'queued', disabled: true },
  ]);
  readonly control = new FormControl<string | null>(null, Validators.required);
}

describe(SearchSelect.name, () => {
  async function setup() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const sut = await loader.getHarness(MatAutocompleteHarness);
    const field = await loader.getHarness(MatFormFieldHarness);
    return { fixture, host: fixture.componentInstance, sut, field };
  }

  it('narrows the options as one types, searching labels and hints', async () => {
    const { sut } = await setup();

    await sut.enterText('deb');
    expect(await Promise.all((await sut.getOptions()).map((o) => o.getText()))).toEqual(['debian-12active']);

    await sut.clear();
    await sut.enterText('queued');
    expect(await Promise.all((await sut.getOptions()).map((o) => o.getText()))).toEqual(['ubuntu-24.04queued']);
  });

  it('holds the chosen option value and shows its label', async () => {
    const { sut, host } = await setup();

    await sut.enterText('cir');
    await sut.selectOption({ text: /cirros/ });

    expect(host.control.value).toBe('img-1');
    expect(await sut.getValue()).toBe('cirros-0.6.2');
  });

  it('shows the label of a value written by the form, even when options arrive later', async () => {
    const { fixture, sut, host } = await setup();
    host.options.set([]);
    host.control.setValue('img-2');
    await fixture.whenStable();
    host.options.set([{ value: 'img-2', label: 'debian-12' }]);
    await fixture.whenStable();

    expect(await sut.getValue()).toBe('debian-12');
  });

  it('accepts an exactly typed label on leaving the field, and reverts anything else', async () => {
    const { sut, host } = await setup();

    await sut.enterText('DEBIAN-12');
    await sut.blur();
    expect(host.control.value).toBe('img-2');

    await sut.clear();
    await sut.enterText('no such image');
    await sut.blur();
    expect(host.control.value).toBe('img-2');
    expect(await sut.getValue()).toBe('debian-12');
  });

  it('shows the parent error once touched while invalid', async () => {
    const { sut, field } = await setup();
    expect(await field.getTextErrors()).toEqual([]);

    await sut.focus();
    await sut.blur();

    expect(await field.getTextErrors()).toEqual(['Choose an image']);
  });
});
