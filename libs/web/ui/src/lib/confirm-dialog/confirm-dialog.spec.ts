import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { firstValueFrom } from 'rxjs';
import { ConfirmDialog, ConfirmDialogData } from './confirm-dialog';

describe(ConfirmDialog.name, () => {
  const data: ConfirmDialogData = {
    title: 'Delete “night batch”?',
    paragraphs: ['Its 3 running VMs are deleted now.', 'This cannot be undone.'],
    confirmLabel: 'Delete',
    destructive: true,
  };

  function open() {
    const ref = TestBed.inject(MatDialog).open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data });
    const componentRef = ref.componentRef;
    if (!componentRef) throw new Error('the dialog did not render its component');
    componentRef.changeDetectorRef.detectChanges();
    const element = componentRef.location.nativeElement as HTMLElement;
    const buttons = [...element.querySelectorAll('button')];
    return { closed: firstValueFrom(ref.afterClosed()), element, buttons };
  }

  it('says what will happen and closes with true on confirm', async () => {
    const sut = open();

    expect(sut.element.querySelector('h2')?.textContent).toBe('Delete “night batch”?');
    expect([...sut.element.querySelectorAll('p')].map((p) => p.textContent)).toEqual(data.paragraphs);
    expect(sut.buttons.map((b) => b.textContent?.trim())).toEqual(['Cancel', 'Delete']);
    expect(sut.buttons[1]?.classList).toContain('destructive');
    sut.buttons[1]?.click();

    await expect(sut.closed).resolves.toBe(true);
  });

  it('closes with false on cancel', async () => {
    const sut = open();
    sut.buttons[0]?.click();

    await expect(sut.closed).resolves.toBe(false);
  });
});
