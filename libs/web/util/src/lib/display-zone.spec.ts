import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BROWSER_TIME_ZONE, CURRENT_USER_ID, DisplayZone, displayZoneStorageKey } from './display-zone';

describe(DisplayZone.name, () => {
  const user = signal<string | null>('user-a');

  function create() {
    TestBed.configureTestingModule({
      providers: [
        { provide: CURRENT_USER_ID, useValue: user.asReadonly() },
        { provide: BROWSER_TIME_ZONE, useValue: 'Asia/Tokyo' },
      ],
    });
    return TestBed.inject(DisplayZone);
  }

  beforeEach(() => {
    localStorage.clear();
    user.set('user-a');
  });

  it('shows each schedule’s own zone until the user picks (what the console always did)', () => {
    const sut = create();
    expect(sut.choice()).toBe('schedule');
    expect(sut.zoneFor('Europe/Paris')).toBe('Europe/Paris');
  });

  it('shows the browser’s zone once the user picks theirs, and stores the choice under their id', () => {
    const sut = create();
    sut.set('mine');
    expect(sut.choice()).toBe('mine');
    expect(sut.zoneFor('Europe/Paris')).toBe('Asia/Tokyo');
    expect(localStorage.getItem(displayZoneStorageKey('user-a'))).toBe('mine');
  });

  it('keeps one choice per user: another user on the same browser has their own', () => {
    const sut = create();
    sut.set('mine');
    user.set('user-b');
    expect(sut.choice()).toBe('schedule');
    sut.set('schedule');
    user.set('user-a');
    expect(sut.choice()).toBe('mine');
    expect(localStorage.getItem(displayZoneStorageKey('user-b'))).toBe('schedule');
  });

  it('remembers the choice across page loads (a new service reads it back)', () => {
    localStorage.setItem(displayZoneStorageKey('user-a'), 'mine');
    expect(create().choice()).toBe('mine');
  });

  it('ignores a stored value it does not know', () => {
    localStorage.setItem(displayZoneStorageKey('user-a'), 'martian');
    expect(create().choice()).toBe('schedule');
  });

  it('keeps a choice made without a login in memory only', () => {
    user.set(null);
    const sut = create();
    sut.set('mine');
    expect(sut.choice()).toBe('mine');
    expect(localStorage.length).toBe(0);
  });
});
