import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { firstValueFrom } from 'rxjs';
import { askToConfirm, ChoiceDialog, ChoiceDialogData } from './choice-dialog';

describe(ChoiceDialog.name, () => {
  const data: ChoiceDialogData<'later' | 'now'> = {
    title: 'Disable “night batch”?',
    paragraphs: ['Its window runs until 17:00.', 'Choose when its VMs go.'],
    choices: [
      { label: 'After this window', value: 'later', primary: true },
      { label: 'Stop now', value: 'now', destructive: true },
    ],
  };

  function open() {
    const ref = TestBed.inject(MatDialog).open<ChoiceDialog<'later' | 'now'>, ChoiceDialogData<'later' | 'now'>, 'later' | 'now'>(
      ChoiceDialog,
      { data },
    );
    const componentRef = ref.componentRef;
    if (!componentRef) throw new Error('the dialog did not render its component');
    componentRef.changeDetectorRef.detectChanges();
    const element = componentRef.location.nativeElement as HTMLElement;
    const buttons = [...element.querySelectorAll('button')];
    return { closed: firstValueFrom(ref.afterClosed()), element, buttons };
  }

  it('offers Cancel then each choice, the suggested one focused first and the destructive one marked', () => {
    const sut = open();

    expect(sut.element.querySelector('h2')?.textContent).toBe('Disable “night batch”?');
    expect([...sut.element.querySelectorAll('p')].map((p) => p.textContent)).toEqual(data.paragraphs);
    expect(sut.buttons.map((b) => b.textContent?.trim())).toEqual(['Cancel', 'After this window', 'Stop now']);
    expect(sut.buttons[1]?.hasAttribute('cdkFocusInitial')).toBe(true);
    expect(sut.buttons[2]?.classList).toContain('destructive');
    expect(sut.buttons[1]?.classList).not.toContain('destructive');
  });

  it.each([
    [1, 'later'],
    [2, 'now'],
  ])('closes with the value of button %i', async (index, value) => {
    const sut = open();
    sut.buttons[index]?.click();

    await expect(sut.closed).resolves.toBe(value);
  });

  it('closes with undefined on cancel', async () => {
    const sut = open();
    sut.buttons[0]?.click();

    await expect(sut.closed).resolves.toBeUndefined();
  });
});

describe(askToConfirm.name, () => {
  function ask() {
    const answer = firstValueFrom(
      askToConfirm(TestBed.inject(MatDialog), {
        title: 'Delete “night batch”?',
        paragraphs: ['Its 3 running VMs are deleted now.'],
        confirmLabel: 'Delete',
        destructive: true,
      }),
    );
    TestBed.tick();
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('peak-choice-dialog button')];
    return { answer, buttons };
  }

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((e) => e.remove()));

  it('offers Cancel and the confirmation, focused first and marked destructive, and says true on it', async () => {
    const sut = ask();

    expect(sut.buttons.map((b) => b.textContent?.trim())).toEqual(['Cancel', 'Delete']);
    expect(sut.buttons[1]?.hasAttribute('cdkFocusInitial')).toBe(true);
    expect(sut.buttons[1]?.classList).toContain('destructive');
    sut.buttons[1]?.click();

    await expect(sut.answer).resolves.toBe(true);
  });

  it('says false on cancel', async () => {
    const sut = ask();
    sut.buttons[0]?.click();

    await expect(sut.answer).resolves.toBe(false);
  });
});
