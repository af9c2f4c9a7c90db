import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatChipGridHarness } from '@angular/material/chips/testing';
import { ChipSearchSelect } from './chip-search-select';

@Component({
  imports: [ReactiveFormsModule, ChipSearchSelect],
  template: `<peak-chip-search-select label="Networks" [options]="options" [formControl]="control" error="Choose a network" />`,
})
class Host {
  readonly options = [
    { value: 'n-private', label: 'private' },
    { value: 'n-public', label: 'public', hint: 'external' },
    { value: 'n-storage', label: 'storage' },
  ];
  readonly control = new FormControl<string[]>([], { nonNullable: true, validators: Validators.required });
}

describe(ChipSearchSelect.name, () => {
  async function setup() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    return {
      host: fixture.componentInstance,
      search: await loader.getHarness(MatAutocompleteHarness),
      grid: await loader.getHarness(MatChipGridHarness),
    };
  }

  async function chipTexts(grid: MatChipGridHarness): Promise<string[]> {
    return Promise.all((await grid.getRows()).map(async (row) => (await row.getText()).replace('cancel', '').trim()));
  }

  it('adds searched options as chips, in the order picked, and stops offering them', async () => {
    const { host, search, grid } = await setup();

    await search.enterText('stor');
    await search.selectOption({ text: 'storage' });
    await search.enterText('ext');
    await search.selectOption({ text: /public/ });

    expect(host.control.value).toEqual(['n-storage', 'n-public']);
    expect(await chipTexts(grid)).toEqual(['storage', 'public']);
    await search.enterText('p');
    expect(await Promise.all((await search.getOptions()).map((o) => o.getText()))).toEqual(['private']);
  });

  it('removes a chip, and shows the error once the list is empty and touched', async () => {
    const { host, grid } = await setup();
    host.control.setValue(['n-private']);

    const [chip] = await grid.getRows();
    await (await chip?.getRemoveButton())?.click();

    expect(host.control.value).toEqual([]);
    expect(host.control.touched).toBe(true);
    expect(await grid.isInvalid()).toBe(true);
  });
});
