import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { LoadedContent, LoadStateLike, LoadStateView } from './load-state';

@Component({
  imports: [LoadStateView, LoadedContent],
  template: `
    <peak-load-state [state]="state()" noun="webhooks" [empty]="empty()" [inline]="inline()" (retry)="retries = retries + 1">
      <p empty class="nothing">No webhooks yet</p>
      <ng-template peakLoaded
        ><ul class="rows">
          <li>one</li>
        </ul></ng-template
      >
    </peak-load-state>
  `,
})
class Host {
  readonly state = signal<LoadStateLike>({ status: 'loading' });
  readonly empty = signal(false);
  readonly inline = signal(false);
  retries = 0;
}

const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, ' ').trim();
const problem = { message: 'The database is unreachable' };

describe(LoadStateView.name, () => {
  async function render(state: LoadStateLike, options: { empty?: boolean; inline?: boolean } = {}) {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.state.set(state);
    fixture.componentInstance.empty.set(options.empty ?? false);
    fixture.componentInstance.inline.set(options.inline ?? false);
    await fixture.whenStable();
    const root = (fixture.nativeElement as HTMLElement).querySelector('peak-load-state') as HTMLElement;
    return { fixture, root };
  }

  it('shows a labelled progress bar and nothing else while the first answer is awaited', async () => {
    const { root } = await render({ status: 'loading' });

    expect(root.querySelector('mat-progress-bar')?.getAttribute('aria-label')).toBe('Loading webhooks');
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(root.querySelector('.rows')).toBeNull();
    expect(root.querySelector('.nothing')).toBeNull();
  });

  it('keeps the last value on screen under the progress bar while it reloads', async () => {
    const { root } = await render({ status: 'loading', value: [1] });

    expect(root.querySelector('mat-progress-bar')).not.toBeNull();
    expect(text(root.querySelector('.rows'))).toBe('one');
  });

  it('shows the loaded template once answered, without progress bar or alert', async () => {
    const { root } = await render({ status: 'ok', value: [1] });

    expect(text(root.querySelector('.rows'))).toBe('one');
    expect(root.querySelector('mat-progress-bar')).toBeNull();
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(root.querySelector('.nothing')).toBeNull();
  });

  it('shows the content marked empty instead when the answer has nothing', async () => {
    const { root } = await render({ status: 'ok', value: [] }, { empty: true });

    expect(text(root.querySelector('.nothing'))).toBe('No webhooks yet');
    expect(root.querySelector('.rows')).toBeNull();
  });

  it('says a first failure as the empty state of the whole card, with "Try again"', async () => {
    const { root } = await render({ status: 'error', problem });
    const failed = root.querySelector('peak-empty-state');

    expect(failed?.getAttribute('role')).toBe('status');
    expect(text(failed?.querySelector('h2'))).toBe('Webhooks could not be loaded');
    expect(text(failed?.querySelector('p'))).toBe('The database is unreachable');
    expect(text(failed?.querySelector('button.retry'))).toBe('Try again');
    expect(root.querySelector('mat-progress-bar')).toBeNull();
    expect(root.querySelector('.rows')).toBeNull();
    expect(root.querySelector('.nothing')).toBeNull();
  });

  it('says an inline first failure in a line, as an alert', async () => {
    const { root } = await render({ status: 'error', problem }, { inline: true });

    expect(text(root.querySelector('[role="alert"] span'))).toBe('The webhooks could not be loaded: The database is unreachable');
    expect(text(root.querySelector('[role="alert"] button.retry'))).toBe('Try again');
    expect(root.querySelector('peak-empty-state')).toBeNull();
    expect(root.classList).toContain('inline');
  });

  it('says a failed refresh as an alert over the last value, which stays', async () => {
    const { root } = await render({ status: 'error', problem, value: [1] });

    expect(text(root.querySelector('[role="alert"] span'))).toBe('Could not refresh the webhooks: The database is unreachable');
    expect(text(root.querySelector('.rows'))).toBe('one');
    expect(root.querySelector('peak-empty-state')).toBeNull();
  });

  it('emits retry on "Try again", in each kind of failure', async () => {
    const failures: [LoadStateLike, boolean][] = [
      [{ status: 'error', problem }, false],
      [{ status: 'error', problem }, true],
      [{ status: 'error', problem, value: [1] }, false],
    ];
    for (const [state, inline] of failures) {
      const { fixture, root } = await render(state, { inline });
      root.querySelector<HTMLButtonElement>('button.retry')?.click();
      expect(fixture.componentInstance.retries).toBe(1);
      fixture.destroy();
    }
  });

  it('follows the state as it changes', async () => {
    const { fixture, root } = await render({ status: 'error', problem });
    fixture.componentInstance.state.set({ status: 'ok', value: [1] });
    await fixture.whenStable();

    expect(root.querySelector('peak-empty-state')).toBeNull();
    expect(text(root.querySelector('.rows'))).toBe('one');
  });
});
