import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Route, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { scheduleRoutes } from '../schedules.routes';
import { HoldsUnsavedChanges, unsavedChangesGuard } from './unsaved-changes.guard';

@Component({ template: 'form' })
class FormPage implements HoldsUnsavedChanges {
  static unsaved = false;
  hasUnsavedChanges(): boolean {
    return FormPage.unsaved;
  }
}

@Component({ template: 'elsewhere' })
class OtherPage {}

describe('unsavedChangesGuard', () => {
  async function onForm(unsaved: boolean): Promise<Router> {
    FormPage.unsaved = unsaved;
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'form', component: FormPage, canDeactivate: [unsavedChangesGuard] },
          { path: 'other', component: OtherPage },
        ]),
      ],
    });
    // The harness has the outlet the routed page lives in.
    await (await RouterTestingHarness.create()).navigateByUrl('/form');
    return TestBed.inject(Router);
  }

  /** The question, once it is on screen, and its buttons. */
  async function question(): Promise<{ title: string | undefined; buttons: HTMLButtonElement[] }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const dialog = document.querySelector('peak-choice-dialog');
      if (dialog) {
        TestBed.tick();
        return { title: dialog.querySelector('h2')?.textContent?.trim(), buttons: [...dialog.querySelectorAll('button')] };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no question was asked');
  }

  afterEach(() => document.querySelector('.cdk-overlay-container')?.replaceChildren());

  it('lets a form without unsaved changes go at once', async () => {
    const router = await onForm(false);

    await router.navigateByUrl('/other');

    expect(router.url).toBe('/other');
    expect(document.querySelector('peak-choice-dialog')).toBeNull();
  });

  it('asks before leaving unsaved changes, and stays on the form on Cancel', async () => {
    const router = await onForm(true);

    const leaving = router.navigateByUrl('/other');
    const sut = await question();
    expect(sut.title).toBe('Leave without saving?');
    expect(sut.buttons.map((b) => b.textContent?.trim())).toEqual(['Cancel', 'Leave and lose them']);
    sut.buttons[0]?.click();

    await expect(leaving).resolves.toBe(false);
    expect(router.url).toBe('/form');
  });

  it('leaves, losing the changes, when that is confirmed', async () => {
    const router = await onForm(true);

    const leaving = router.navigateByUrl('/other');
    (await question()).buttons[1]?.click();

    await expect(leaving).resolves.toBe(true);
    expect(router.url).toBe('/other');
  });

  it('guards both the new and the edit form of the schedules routes', () => {
    const children = (scheduleRoutes[0]?.children ?? []) as Route[];
    const guarded = children.filter((route) => route.canDeactivate?.includes(unsavedChangesGuard)).map((route) => route.path);

    expect(guarded).toEqual(['new', ':id/edit']);
  });
});
