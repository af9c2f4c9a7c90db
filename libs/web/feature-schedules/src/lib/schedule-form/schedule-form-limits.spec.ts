import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { FormGroup } from '@angular/forms';
import { provideNativeDateAdapter } from '@angular/material/core';
import { provideRouter } from '@angular/router';
import { Notifier } from '@peak/web/util';
import { CatalogNames } from '../shared/catalog-names';
import { ScheduleFormPage } from './schedule-form-page';
import { emptyFormValue } from './schedule-form.model';

// A contract unlike today's numbers: the form must follow it, whatever it says.
jest.mock('@peak/api-client', () => {
  const actual = jest.requireActual<typeof import('@peak/api-client')>('@peak/api-client');
  const create = actual.schemaLimits.CreateScheduleDto;
  return {
    ...actual,
    schemaLimits: {
      ...actual.schemaLimits,
      CreateScheduleDto: {
        ...create,
        name: { minLength: 1, maxLength: 20 },
        description: { maxLength: 30 },
        instanceCount: { minimum: 2, maximum: 8 },
        leadTimeMinutes: { minimum: 3, maximum: 720, default: 15 },
        enabled: { default: false },
      },
      RecurringWindowDto: { ...actual.schemaLimits.RecurringWindowDto, durationMinutes: { minimum: 10, maximum: 600 } },
    },
  };
});

describe('schedule form and the generated contract limits', () => {
  function createForm(): FormGroup {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideNativeDateAdapter(),
        CatalogNames,
        { provide: Notifier, useValue: { error: () => undefined, success: () => undefined } },
      ],
    });
    return (TestBed.createComponent(ScheduleFormPage).componentInstance as unknown as { form: FormGroup }).form;
  }

  function errorsOf(form: FormGroup, field: string, value: unknown) {
    const control = form.get(field);
    control?.setValue(value);
    return control?.errors ?? null;
  }

  it('starts a new schedule from the contract defaults', () => {
    expect(emptyFormValue('UTC')).toMatchObject({ leadTimeMinutes: 15, enabled: false, instanceCount: 2 });
    expect(createForm().getRawValue()).toMatchObject({ leadTimeMinutes: 15, enabled: false, instanceCount: 2 });
  });

  it('validates against the contract limits', () => {
    const form = createForm();

    expect(errorsOf(form, 'leadTimeMinutes', 721)).toEqual({ max: { max: 720, actual: 721 } });
    expect(errorsOf(form, 'leadTimeMinutes', 2)).toEqual({ min: { min: 3, actual: 2 } });
    expect(errorsOf(form, 'leadTimeMinutes', 720)).toBeNull();
    expect(errorsOf(form, 'name', 'x'.repeat(21))).toEqual({ maxlength: { requiredLength: 20, actualLength: 21 } });
    expect(errorsOf(form, 'description', 'x'.repeat(31))).toEqual({ maxlength: { requiredLength: 30, actualLength: 31 } });
    expect(errorsOf(form, 'instanceCount', 1)).toEqual({ min: { min: 2, actual: 1 } });
    expect(errorsOf(form, 'durationMinutes', 9)).toEqual({ min: { min: 10, actual: 9 } });
  });

  it('takes whole numbers up to the highest maximum the contract states (a deployment may set a lower one)', () => {
    const form = createForm();

    expect(errorsOf(form, 'instanceCount', 9)).toEqual({ max: { max: 8, actual: 9 } });
    expect(errorsOf(form, 'instanceCount', 8)).toBeNull();
    expect(errorsOf(form, 'instanceCount', 2.5)).toEqual({ integer: true });
    expect(errorsOf(form, 'durationMinutes', 601)).toEqual({ max: { max: 600, actual: 601 } });
    expect(errorsOf(form, 'durationMinutes', 30.5)).toEqual({ integer: true });
  });
});
