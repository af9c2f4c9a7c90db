import type { Locator, Page } from 'playwright-core';

/** Types into a searchable select and picks the first option whose text matches. */
export async function pick(page: Page, field: string, search: string, option: RegExp): Promise<void> {
  const input = page.getByRole('combobox', { name: field });
  await input.click();
  await input.fill(search);
  await page.getByRole('option', { name: option }).first().click();
}

/** The error text under a form field, found by the field's label. */
export function fieldError(page: Page, label: string): Locator {
  return page.locator('mat-form-field', { has: page.locator('mat-label', { hasText: new RegExp(`^${label}$`) }) }).locator('mat-error');
}
