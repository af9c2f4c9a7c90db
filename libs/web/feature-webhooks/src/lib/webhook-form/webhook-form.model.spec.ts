import { FormControl } from '@angular/forms';
import { aWebhook, SCHEDULE_ID } from '../testing/fixtures';
import { changesOf, fieldLabelOf, formFieldOf, requestOf, webUrl } from './webhook-form.model';

describe('webhook form model', () => {
  const empty = { url: '', description: '', eventTypes: [], scheduleIds: [], cloudWide: false };

  it('leaves empty filters out of the request, so the webhook receives everything', () => {
    expect(requestOf({ ...empty, url: ' https://hooks.example.com/peak ', description: '  ' })).toEqual({
      url: 'https://hooks.example.com/peak',
    });
  });

  it('sends the chosen filters, the description and cloud-wide only when asked', () => {
    expect(
      requestOf({
        url: 'https://hooks.example.com/peak',
        description: ' Pager ',
        eventTypes: ['peak.run.failed'],
        scheduleIds: ['6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d'],
        cloudWide: true,
      }),
    ).toEqual({
      url: 'https://hooks.example.com/peak',
      description: 'Pager',
      eventTypes: ['peak.run.failed'],
      scheduleIds: ['6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d'],
      cloudWide: true,
    });
  });

  it('finds the control of a field the API names, items of a list included', () => {
    expect(formFieldOf('url')).toBe('url');
    expect(formFieldOf('eventTypes.2')).toBe('eventTypes');
    expect(formFieldOf('scheduleIds.0')).toBe('scheduleIds');
    expect(formFieldOf('enabled')).toBeNull();
    expect(formFieldOf('constructor')).toBeNull();
    expect(fieldLabelOf('url')).toBe('Payload URL');
    expect(fieldLabelOf('enabled')).toBe('enabled');
  });

  it('takes an absolute http or https address, and leaves the rest of the rules to the API', () => {
    const check = (value: string) => webUrl(new FormControl(value, { nonNullable: true }));

    expect(check('https://hooks.example.com/peak')).toBeNull();
    expect(check('http://127.0.0.1:9000/hook')).toBeNull();
    expect(check('')).toBeNull();
    expect(check('hooks.example.com/peak')).toEqual({ webUrl: true });
    expect(check('ftp://hooks.example.com/')).toEqual({ webUrl: true });
  });

  it('makes an edit of only what changed: a cleared filter or description is sent empty, a reordered one not at all', () => {
    const webhook = aWebhook({ description: 'Pager', eventTypes: ['peak.run.failed', 'peak.run.missed'], scheduleIds: [SCHEDULE_ID] });
    const same = {
      url: webhook.url,
      description: 'Pager',
      eventTypes: [...webhook.eventTypes],
      scheduleIds: [SCHEDULE_ID],
      cloudWide: false,
    };
    expect(changesOf(webhook, same)).toEqual({});
    expect(changesOf(webhook, { ...same, eventTypes: ['peak.run.missed', 'peak.run.failed'] })).toEqual({});
    expect(changesOf(webhook, { ...same, description: ' ', eventTypes: [], scheduleIds: [] })).toEqual({
      description: '',
      eventTypes: [],
      scheduleIds: [],
    });
    expect(changesOf(webhook, { ...same, url: ' https://hooks.example.com/v2 ' })).toEqual({ url: 'https://hooks.example.com/v2' });
  });
});
