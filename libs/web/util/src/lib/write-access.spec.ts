import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { WRITE_ACCESS } from './write-access';

describe('WRITE_ACCESS', () => {
  it('allows writes when nothing provides it (the API still refuses what the role does not allow)', () => {
    expect(TestBed.inject(WRITE_ACCESS)()).toBe(true);
  });

  it('follows the signal the app provides', () => {
    const canWrite = signal(false);
    TestBed.configureTestingModule({ providers: [{ provide: WRITE_ACCESS, useValue: canWrite.asReadonly() }] });
    const access = TestBed.inject(WRITE_ACCESS);

    expect(access()).toBe(false);
    canWrite.set(true);
    expect(access()).toBe(true);
  });
});
