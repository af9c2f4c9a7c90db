import { Directive, DoCheck, Signal, WritableSignal, inject, signal } from '@angular/core';
import { ControlValueAccessor, NgControl } from '@angular/forms';
import { ErrorStateMatcher } from '@angular/material/core';

/** The Material element that draws the field's error state (an input, a chip grid). */
export interface ErrorStateHost {
  updateErrorState(): void;
}

/**
 * The form-control plumbing every custom field of the console shares: it is its own value accessor (bound with
 * `formControlName`, no provider), keeps the value and the disabled state in signals, reports changes and
 * touches to the form, and shows the outer control's error state on its inner Material element, which has no
 * form control of its own and so never re-evaluates that state by itself.
 */
@Directive()
export abstract class FormFieldControl<T> implements ControlValueAccessor, DoCheck {
  private readonly ngControl = inject(NgControl, { self: true, optional: true });
  /** The field's value (the subclass sets its empty value). */
  protected abstract readonly value: WritableSignal<T>;
  protected readonly disabled = signal(false);
  /** Invalid and touched (or changed): the same rule as Material's own fields. */
  protected readonly errorState: ErrorStateMatcher = {
    isErrorState: () => !!this.ngControl?.invalid && !!(this.ngControl.touched || this.ngControl.dirty),
  };
  /** The inner element whose error state follows the outer control's. */
  protected abstract readonly errorStateHost: Signal<ErrorStateHost | undefined>;

  private onChange: (value: T) => void = () => undefined;
  /** Arrow-bound: templates call it on blur. */
  protected onTouched: () => void = () => undefined;

  constructor() {
    if (this.ngControl) this.ngControl.valueAccessor = this;
  }

  ngDoCheck(): void {
    this.errorStateHost()?.updateErrorState();
  }

  /** A change made in the field: kept, and reported to the form. */
  protected commit(value: T): void {
    this.value.set(value);
    this.onChange(value);
  }

  /** The form's value as the field keeps it (`null` when the form has none). */
  protected abstract fromForm(value: T | null): T;

  writeValue(value: T | null): void {
    this.value.set(this.fromForm(value));
  }

  registerOnChange(fn: (value: T) => void): void {
    this.onChange = fn;
  }

  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }

  setDisabledState(disabled: boolean): void {
    this.disabled.set(disabled);
  }
}
