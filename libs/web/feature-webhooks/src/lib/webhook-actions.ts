import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { CreatedWebhookDto, toApiProblem, WebhookDeliveryDto, WebhookDto, WebhooksService } from '@peak/api-client';
import { askToConfirm } from '@peak/web/ui';
import { Notifier } from '@peak/web/util';
import { catchError, EMPTY, filter, map, Observable, switchMap, tap } from 'rxjs';
import { showSecret } from './secret-dialog/secret-dialog';
import { WebhookFormDialog, WebhookFormDialogData } from './webhook-form/webhook-form-dialog';
import { lastAttempt, responseText } from './webhook-text';

/**
 * What can be done to a webhook, from its list or its page: each asks first where something is lost, calls the API,
 * and says what came of it. Each returns an observable that emits once when the API accepted it, and completes
 * without emitting when cancelled or refused (the refusal is said in a snackbar).
 */
@Injectable()
export class WebhookActions {
  private readonly dialog = inject(MatDialog);
  private readonly api = inject(WebhooksService);
  private readonly notifier = inject(Notifier);

  /** The new-webhook form, then its secret, shown once. */
  create(data: WebhookFormDialogData): Observable<CreatedWebhookDto> {
    return this.dialog
      .open<WebhookFormDialog, WebhookFormDialogData, CreatedWebhookDto>(WebhookFormDialog, { data, width: '640px', maxWidth: '95vw' })
      .afterClosed()
      .pipe(
        // Cancelled (Cancel, Escape or a click beside it): nothing was created.
        filter((created): created is CreatedWebhookDto => typeof created === 'object' && created !== null),
        switchMap((created) =>
          showSecret(this.dialog, { title: 'Webhook created: its signing secret', url: created.url, secret: created.secret }).pipe(
            map(() => created),
          ),
        ),
      );
  }

  /** The form, filled with the webhook as it is; emits the webhook as saved (nothing when cancelled or unchanged). */
  edit(webhook: WebhookDto, cloudAdmin: boolean): Observable<WebhookDto> {
    return this.dialog
      .open<WebhookFormDialog, WebhookFormDialogData, WebhookDto>(WebhookFormDialog, {
        data: { cloudAdmin, webhook },
        width: '640px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(
        filter((saved): saved is WebhookDto => typeof saved === 'object' && saved !== null),
        tap((saved) => this.notifier.success(`Webhook ${saved.url} saved.`)),
      );
  }

  rotateSecret(webhook: WebhookDto): Observable<void> {
    return askToConfirm(
      this.dialog,
      {
        title: 'Rotate the signing secret?',
        paragraphs: [
          `A new secret replaces the current one of ${webhook.url} at once: every delivery from now on is signed with it.`,
          'A receiver that still checks signatures with the old secret will refuse them until it is given the new one.',
        ],
        confirmLabel: 'Rotate secret',
        destructive: true,
      },
      '520px',
    ).pipe(
      filter((confirmed) => confirmed),
      switchMap(() => this.api.rotateWebhookSecret({ id: webhook.id }).pipe(this.refused(`Could not rotate the secret of ${webhook.url}`))),
      switchMap(({ secret }) => showSecret(this.dialog, { title: 'New signing secret', url: webhook.url, secret })),
      map(() => undefined),
    );
  }

  /** Enabling starts afresh a webhook the product disabled; disabling drops nothing but sends nothing more. */
  setEnabled(webhook: WebhookDto, enabled: boolean): Observable<WebhookDto> {
    return this.api.updateWebhook({ id: webhook.id, body: { enabled } }).pipe(
      this.refused(`Could not ${enabled ? 'enable' : 'disable'} ${webhook.url}`),
      tap((updated) => this.notifier.success(`${updated.url} ${enabled ? 'enabled' : 'disabled'}.`)),
    );
  }

  delete(webhook: WebhookDto): Observable<void> {
    return askToConfirm(
      this.dialog,
      {
        title: 'Delete this webhook?',
        paragraphs: [
          `${webhook.url} will receive no more events. Deliveries still pending are dropped, and its delivery history goes with it.`,
        ],
        confirmLabel: 'Delete webhook',
        destructive: true,
      },
      '480px',
    ).pipe(
      filter((confirmed) => confirmed),
      switchMap(() => this.api.deleteWebhook({ id: webhook.id }).pipe(this.refused(`Could not delete ${webhook.url}`))),
      tap(() => this.notifier.success(`Webhook ${webhook.url} deleted.`)),
    );
  }

  /** A `peak.webhook.ping` now; the API answers after its first attempt, whatever the receiver said. */
  sendTest(webhook: WebhookDto): Observable<WebhookDeliveryDto> {
    return this.api.testWebhook({ id: webhook.id }).pipe(
      this.refused(`Could not send a test event to ${webhook.url}`),
      tap((delivery) => {
        const response = responseText(lastAttempt(delivery));
        if (delivery.status === 'delivered') this.notifier.success(`Test event delivered: ${webhook.url} answered ${response}.`);
        else if (delivery.status === 'pending') this.notifier.error(`Test event not delivered yet (${response}): it will be retried.`);
        else this.notifier.error(`Test event failed: ${response}.`);
      }),
    );
  }

  private refused<T>(what: string): (source: Observable<T>) => Observable<T> {
    return (source) =>
      source.pipe(
        catchError((error: unknown) => {
          this.notifier.error(`${what}: ${toApiProblem(error).message}`);
          return EMPTY;
        }),
      );
  }
}
