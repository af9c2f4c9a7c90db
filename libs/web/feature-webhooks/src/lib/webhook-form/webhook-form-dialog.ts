import { ChangeDetectionStrategy, ChangeDetectorRef, Component, DestroyRef, ElementRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import {
  ApiProblem,
  CreatedWebhookDto,
  LOADING,
  LoadState,
  loadState,
  ScheduleListDto,
  SchedulesService,
  toApiProblem,
  WebhookDto,
  WebhookEventType,
  WebhooksService,
} from '@peak/api-client';
import { Observable } from 'rxjs';
import { EVENT_TYPE_LABELS, EVENT_TYPES } from '../webhook-text';
import { changesOf, fieldLabelOf, formFieldOf, requestOf, WebhookFormField, webhookLimits, webUrl } from './webhook-form.model';

export interface WebhookFormDialogData {
  /** Whether the caller may ask for a cloud-wide webhook (the API refuses anyone but a cloud admin). */
  readonly cloudAdmin: boolean;
  /** The webhook to change; absent for a new one. Whether it is cloud-wide cannot change. */
  readonly webhook?: WebhookDto;
}

/** The schedules the form offers as a filter: the first page of the caller's, by name. */
const SCHEDULE_CHOICES = 100;

/**
 * The webhook form, in a dialog: new (it closes with the webhook the API created, its secret included, for the page to
 * show once) or an edit of `data.webhook` (it sends only what changed, and closes with the webhook as saved); with
 * nothing when cancelled. The API's refusals go on the fields they name.
 */
@Component({
  selector: 'peak-webhook-form-dialog',
  imports: [
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    ReactiveFormsModule,
  ],
  templateUrl: './webhook-form-dialog.html',
  styleUrl: './webhook-form-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhookFormDialog {
  private readonly api = inject(WebhooksService);
  private readonly dialogRef = inject<MatDialogRef<WebhookFormDialog, CreatedWebhookDto | WebhookDto>>(MatDialogRef);
  private readonly destroyRef = inject(DestroyRef);
  private readonly changes = inject(ChangeDetectorRef);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly data = inject<WebhookFormDialogData>(MAT_DIALOG_DATA);
  protected readonly limits = webhookLimits;
  protected readonly eventTypes = EVENT_TYPES;
  protected readonly eventLabels = EVENT_TYPE_LABELS;

  protected readonly form = new FormGroup({
    url: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(webhookLimits.url.maxLength), webUrl],
    }),
    description: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(webhookLimits.description.maxLength)] }),
    eventTypes: new FormControl<WebhookEventType[]>([], { nonNullable: true }),
    scheduleIds: new FormControl<string[]>([], {
      nonNullable: true,
      validators: [Validators.maxLength(webhookLimits.scheduleIds.maxItems)],
    }),
    cloudWide: new FormControl(false, { nonNullable: true }),
  });
  /** Editing: the form starts from the webhook as it is. */
  protected readonly editing = this.data.webhook;

  protected readonly schedules = toSignal(loadState(inject(SchedulesService).listSchedules({ limit: SCHEDULE_CHOICES, sort: 'name' })), {
    initialValue: LOADING as LoadState<ScheduleListDto>,
  });
  protected readonly saving = signal(false);
  /** What the API refused that no field shows. */
  protected readonly formProblems = signal<readonly string[]>([]);
  protected readonly submitProblem = signal<string | null>(null);

  constructor() {
    const webhook = this.data.webhook;
    if (webhook) {
      this.form.reset({
        url: webhook.url,
        description: webhook.description,
        eventTypes: [...webhook.eventTypes],
        scheduleIds: [...webhook.scheduleIds],
        cloudWide: webhook.projectId === null,
      });
      this.form.controls.cloudWide.disable();
    }
  }

  protected scheduleCount(list: ScheduleListDto): string {
    return list.total > list.items.length ? `The first ${list.items.length} of ${list.total} schedules, by name.` : '';
  }

  protected errorText(field: WebhookFormField): string | null {
    const errors = this.form.controls[field].errors;
    if (!errors) return null;
    if (typeof errors['server'] === 'string') return errors['server'];
    if (errors['required']) return 'Required';
    if (errors['webUrl']) return 'An address such as https://hooks.example.com/peak';
    if (errors['maxlength']) {
      const { requiredLength } = errors['maxlength'] as { requiredLength: number };
      return field === 'scheduleIds' ? `At most ${requiredLength} schedules` : `At most ${requiredLength} characters`;
    }
    return 'Invalid value';
  }

  protected submit(): void {
    if (this.saving()) return;
    this.form.markAllAsTouched();
    this.formProblems.set([]);
    this.submitProblem.set(null);
    if (this.form.invalid) {
      this.focusFirstInvalid();
      return;
    }
    const webhook = this.data.webhook;
    let saved: Observable<CreatedWebhookDto | WebhookDto>;
    if (webhook) {
      const body = changesOf(webhook, this.form.getRawValue());
      if (Object.keys(body).length === 0) {
        this.dialogRef.close(undefined);
        return;
      }
      saved = this.api.updateWebhook({ id: webhook.id, body });
    } else {
      const body = requestOf(this.form.getRawValue());
      if (!this.data.cloudAdmin) delete body.cloudWide;
      saved = this.api.createWebhook({ body });
    }
    this.saving.set(true);
    saved.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (result) => {
        this.saving.set(false);
        this.dialogRef.close(result);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.showProblem(toApiProblem(error));
      },
    });
  }

  /** Each reason of the API on the field it names; the others above the buttons. */
  private showProblem(problem: ApiProblem): void {
    const unplaced: string[] = [];
    for (const row of problem.fieldProblems) {
      const field = formFieldOf(row.field);
      const control = field && (field !== 'cloudWide' || this.data.cloudAdmin) ? this.form.controls[field] : null;
      if (control) {
        control.setErrors({ ...(control.errors ?? {}), server: `${row.reason.charAt(0).toUpperCase()}${row.reason.slice(1)}` });
        control.markAsTouched();
      } else {
        unplaced.push(`${fieldLabelOf(row.field)}: ${row.reason}`);
      }
    }
    this.formProblems.set(unplaced);
    const count = problem.fieldProblems.length;
    this.submitProblem.set(
      `${this.editing ? 'Not saved' : 'Not created'}: ${count > 0 ? `${count === 1 ? 'one problem' : `${count} problems`} to correct.` : problem.message}`,
    );
    this.changes.markForCheck();
    this.focusFirstInvalid();
  }

  private focusFirstInvalid(): void {
    // After the errors render: the fields show them on the next change detection.
    setTimeout(() => {
      this.host.nativeElement.querySelector<HTMLElement>('input.ng-invalid, mat-select.ng-invalid')?.focus();
    });
  }
}
