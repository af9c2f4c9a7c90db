import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ScheduleDto } from '@peak/api-client';
import { Notifier } from '@peak/web/util';
import { firstValueFrom } from 'rxjs';
import { aSchedule } from '../testing/fixtures';
import { disableQuestion, ScheduleSwitcher } from './schedule-switcher';

const LIVE = aSchedule({
  name: 'Exam week',
  state: 'active',
  timeZone: 'UTC',
  version: 4,
  latestRun: {
    id: 'r-1',
    state: 'active',
    shortfallReason: null,
    activeCount: 2,
    desiredCount: 2,
    windowStart: '2026-12-01T07:00:00Z',
    windowEnd: '2026-12-01T17:00:00Z',
  },
});

/** The switch's calls against a real MatDialog (rendered into the test document) and the HTTP testing backend. */
describe(ScheduleSwitcher.name, () => {
  let http: HttpTestingController;
  let sut: ScheduleSwitcher;
  const notes: string[] = [];

  beforeEach(() => {
    notes.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        ScheduleSwitcher,
        { provide: Notifier, useValue: { success: (m: string) => notes.push(m), error: (m: string) => notes.push(`error: ${m}`) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    sut = TestBed.inject(ScheduleSwitcher);
  });

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((e) => e.remove());
  });

  /** The open dialog's buttons by label. */
  function dialogButtons(): Map<string, HTMLButtonElement> {
    TestBed.tick();
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('peak-choice-dialog button')];
    return new Map(buttons.map((b) => [b.textContent?.trim() ?? '', b]));
  }

  async function answer(label: string): Promise<void> {
    const button = dialogButtons().get(label);
    if (!button) throw new Error(`no “${label}” button in ${[...dialogButtons().keys()].join(', ')}`);
    button.click();
    // The dialog closes after its exit animation: wait for it to leave the page.
    for (let i = 0; i < 100 && document.querySelector('peak-choice-dialog'); i++) {
      TestBed.tick();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(document.querySelector('peak-choice-dialog')).toBeNull();
  }

  it('disables outside a window at once, without asking', async () => {
    const result = firstValueFrom(sut.switch(aSchedule({ state: 'idle', version: 2 }), false));

    expect(dialogButtons().size).toBe(0);
    const call = http.expectOne((r) => r.method === 'PATCH');
    expect(call.request.body).toEqual({ enabled: false, version: 2 });
    call.flush(aSchedule({ enabled: false, version: 3 }));
    expect((await result)?.version).toBe(3);
    expect(notes).toEqual(['“Weekday mornings” disabled.']);
  });

  it('asks during a window, and "After this window" keeps the VMs until its end', async () => {
    const result = firstValueFrom(sut.switch(LIVE, false));
    expect([...dialogButtons().keys()]).toEqual(['Cancel', 'After this window', 'Stop now']);
    await answer('After this window');

    const call = http.expectOne((r) => r.method === 'PATCH');
    expect(call.request.body).toEqual({ enabled: false, disableAfterCurrentWindow: true, version: 4 });
    call.flush({ ...LIVE, enabled: false, vmsKeptUntil: '2026-12-01T17:00:00Z', version: 5 });
    expect((await result)?.vmsKeptUntil).toBe('2026-12-01T17:00:00Z');
    expect(notes).toEqual(['“Exam week” disabled: its VMs stay until Tue, Dec 1, 2026, 05:00 PM GMT+0.']);
  });

  it('"Stop now" disables without keeping the window', async () => {
    const result = firstValueFrom(sut.switch(LIVE, false));
    await answer('Stop now');

    const call = http.expectOne((r) => r.method === 'PATCH');
    expect(call.request.body).toEqual({ enabled: false, disableAfterCurrentWindow: false, version: 4 });
    call.flush({ ...LIVE, enabled: false, version: 5 });
    expect(await result).toMatchObject({ enabled: false, vmsKeptUntil: null });
  });

  it('sends nothing when the question is cancelled, and says null so the switch goes back', async () => {
    const result = firstValueFrom(sut.switch(LIVE, false), { defaultValue: 'completed' as const });
    await answer('Cancel');

    http.expectNone((r) => r.method === 'PATCH');
    expect(await result).toBeNull();
    expect(notes).toEqual([]);
  });

  it('stops a kept window after asking', async () => {
    const kept: ScheduleDto = { ...LIVE, enabled: false, vmsKeptUntil: '2026-12-01T17:00:00Z' };
    const result = firstValueFrom(sut.stopKeptWindow(kept));
    expect([...dialogButtons().keys()]).toEqual(['Cancel', 'Stop now']);
    await answer('Stop now');

    const call = http.expectOne((r) => r.method === 'PATCH');
    expect(call.request.body).toEqual({ enabled: false, disableAfterCurrentWindow: false, version: 4 });
    call.flush({ ...kept, vmsKeptUntil: null, version: 5 });
    expect((await result)?.vmsKeptUntil).toBeNull();
  });

  it('says a refusal and gives null', async () => {
    const result = firstValueFrom(sut.switch(aSchedule({ state: 'idle' }), false));
    http
      .expectOne((r) => r.method === 'PATCH')
      .flush({ statusCode: 409, message: 'Changed by someone else' }, { status: 409, statusText: 'Conflict' });

    expect(await result).toBeNull();
    expect(notes[0]).toMatch(/^error: Could not disable “Weekday mornings”/);
  });
});

describe(disableQuestion.name, () => {
  it('says until when the window runs, how many VMs are up, and what each choice does', () => {
    const sut = disableQuestion(LIVE);

    expect(sut.title).toBe('Disable “Exam week” during its window?');
    expect(sut.paragraphs).toEqual([
      'A peak window is in progress until Tue, Dec 1, 2026, 05:00 PM GMT+0, with 2 of 2 VMs up.',
      'After this window: the VMs keep serving until Tue, Dec 1, 2026, 05:00 PM GMT+0, then go; no later window starts until you enable it again.',
      'Stop now: the VMs are deleted at once, and the run is recorded as stopped by you.',
    ]);
    expect(sut.choices.map((c) => [c.value, Boolean(c.primary), Boolean(c.destructive)])).toEqual([
      ['after-window', true, false],
      ['stop-now', false, true],
    ]);
  });

  it('says that VMs behind a load balancer are drained from its pool before they go', () => {
    const pooled = (drainSeconds: number) =>
      disableQuestion({ ...LIVE, launch: { ...LIVE.launch, loadBalancer: { poolId: 'p', protocolPort: 80, drainSeconds } } }).paragraphs[2];

    expect(pooled(45)).toBe(
      "Stop now: the VMs leave their load balancer's pool (drained for 45 s first), then are deleted, and the run is recorded as stopped by you.",
    );
    expect(pooled(0)).toBe(
      "Stop now: the VMs leave their load balancer's pool, then are deleted, and the run is recorded as stopped by you.",
    );
  });
});
