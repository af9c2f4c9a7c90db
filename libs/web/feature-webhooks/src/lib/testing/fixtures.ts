import { TestBed } from '@angular/core/testing';
import { WebhookDeliveryDto, WebhookDto } from '@peak/api-client';

export const WEBHOOK_ID = '0b7e6c8a-2f1d-4c3b-9a5e-6d7f8a9b0c1d';
export const SCHEDULE_ID = '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d';

export function aWebhook(overrides: Partial<WebhookDto> = {}): WebhookDto {
  return {
    id: WEBHOOK_ID,
    url: 'https://hooks.example.com/peak',
    description: 'Pager',
    eventTypes: [],
    scheduleIds: [],
    enabled: true,
    disabledReason: null,
    failingSince: null,
    projectId: 'p-demo',
    createdAt: '2026-05-04T08:15:02.311Z',
    createdBy: 'alice',
    updatedAt: '2026-05-04T08:15:02.311Z',
    ...overrides,
  };
}

export function aDelivery(overrides: Partial<WebhookDeliveryDto> = {}): WebhookDeliveryDto {
  return {
    id: 'd-1',
    eventId: 'e-1',
    eventType: 'peak.webhook.ping',
    scheduleId: null,
    status: 'delivered',
    attempts: [{ at: '2026-05-04T08:20:00.000Z', statusCode: 204, latencyMs: 35, error: null }],
    nextAttemptAt: null,
    createdAt: '2026-05-04T08:20:00.000Z',
    completedAt: '2026-05-04T08:20:00.035Z',
    ...overrides,
  };
}

export const aPage = <T>(items: T[], total = items.length, limit = 20, offset = 0) => ({ items, total, limit, offset });

/** Lets the page's observables, change detection and the dialogs' animations run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    TestBed.tick();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `selector` is (or is no longer) in the document: dialogs open and close after their animations. */
export async function waitFor(selector: string, present = true): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (Boolean(document.querySelector(selector)) === present) {
      // An element is in the page before its first change detection has bound it.
      await settle();
      return;
    }
    TestBed.tick();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${selector} is ${present ? 'not' : 'still'} in the page`);
}

/** The buttons (and links) of `root` whose text is `label`. */
export function button(root: ParentNode, label: string): HTMLElement {
  const found = [...root.querySelectorAll<HTMLElement>('button, a')].find((b) =>
    b.textContent?.replace(/\s+/g, ' ').trim().endsWith(label),
  );
  if (!found) throw new Error(`no “${label}” button`);
  return found;
}

export function type(input: HTMLInputElement | null, value: string): void {
  if (!input) throw new Error('no such field');
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
}

/**
 * A cell's text nodes joined by spaces (spans that are blocks on screen have no space between them in the DOM), without
 * the names of its icons.
 */
export function words(node: Node | null): string {
  if (!node) return '';
  const parts: string[] = [];
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement?.closest('mat-icon')) parts.push(walker.currentNode.textContent ?? '');
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}
