import { WebhookAttemptDto } from '@peak/api-client';
import {
  DELIVERY_LOOKS,
  EVENT_TYPES,
  eventTypesText,
  lastAttempt,
  latencyText,
  parsePageQuery,
  responseText,
  toLimitOffset,
  toPageParams,
  webhookState,
} from './webhook-text';

const attempt = (overrides: Partial<WebhookAttemptDto> = {}): WebhookAttemptDto => ({
  at: '2026-05-04T08:15:02.311Z',
  statusCode: 200,
  latencyMs: 42,
  error: null,
  ...overrides,
});

describe('webhook texts', () => {
  it('offers every event type of the spec, in its order', () => {
    expect(EVENT_TYPES).toEqual([
      'peak.schedule.created',
      'peak.schedule.updated',
      'peak.schedule.deleted',
      'peak.run.provisioning',
      'peak.run.ready',
      'peak.run.degraded',
      'peak.run.failed',
      'peak.run.missed',
      'peak.run.completed',
      'peak.run.teardown_failed',
    ]);
    expect(eventTypesText([])).toBe('All events');
    expect(eventTypesText(['peak.run.ready', 'peak.run.failed'])).toBe('peak.run.ready, peak.run.failed');
  });

  it('tells a webhook someone switched off from one the product disabled for failing', () => {
    expect(webhookState({ enabled: true, disabledReason: null })).toBe('enabled');
    expect(webhookState({ enabled: false, disabledReason: null })).toBe('disabled');
    expect(webhookState({ enabled: false, disabledReason: 'Deliveries failed for 24 hours' })).toBe('failing');
  });

  it('gives each delivery status a word and an icon, not a colour alone', () => {
    expect(Object.keys(DELIVERY_LOOKS).sort()).toEqual(['delivered', 'failed', 'pending']);
    expect(DELIVERY_LOOKS.delivered).toMatchObject({ label: 'Delivered', tone: 'success' });
    expect(DELIVERY_LOOKS.failed).toMatchObject({ label: 'Failed', tone: 'error' });
    expect(new Set(Object.values(DELIVERY_LOOKS).map((look) => look.icon)).size).toBe(3);
  });

  it('reads the last attempt: its status or what went wrong, and its latency', () => {
    const delivery = {
      attempts: [attempt({ statusCode: 503, latencyMs: 1250 }), attempt({ statusCode: null, error: 'timeout', latencyMs: 10_000 })],
    };

    expect(lastAttempt(delivery)?.error).toBe('timeout');
    expect(responseText(lastAttempt(delivery))).toBe('timeout');
    expect(latencyText(lastAttempt(delivery))).toBe('10 s');
    expect(responseText(attempt({ statusCode: 503 }))).toBe('503');
    expect(latencyText(attempt({ latencyMs: 1250 }))).toBe('1.3 s');
    expect(latencyText(attempt({ latencyMs: 7.4 }))).toBe('7 ms');
    expect(lastAttempt({ attempts: [] })).toBeNull();
    expect(responseText(null)).toBe('—');
    expect(latencyText(null)).toBe('—');
  });

  it('reads the page of the address, and writes it back', () => {
    expect(parsePageQuery(undefined, undefined)).toEqual({ pageIndex: 0, pageSize: 20 });
    expect(parsePageQuery('3', '50')).toEqual({ pageIndex: 2, pageSize: 50 });
    expect(parsePageQuery('0', '7')).toEqual({ pageIndex: 0, pageSize: 20 });
    expect(parsePageQuery('-2', 'x')).toEqual({ pageIndex: 0, pageSize: 20 });
    expect(toPageParams({ pageIndex: 2, pageSize: 50 })).toEqual({ page: 3, size: 50 });
    expect(toLimitOffset({ pageIndex: 2, pageSize: 50 })).toEqual({ limit: 50, offset: 100 });
  });
});
