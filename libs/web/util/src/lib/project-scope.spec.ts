import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PROJECT_SCOPE, ProjectScope } from './project-scope';

describe('PROJECT_SCOPE', () => {
  it('is no cloud admin of an unknown project when nothing provides it (the API scopes the lists anyway)', () => {
    expect(TestBed.inject(PROJECT_SCOPE)()).toEqual({ cloudAdmin: false, projectName: null });
  });

  it('follows the signal the app provides', () => {
    const scope = signal<ProjectScope>({ cloudAdmin: false, projectName: 'demo' });
    TestBed.configureTestingModule({ providers: [{ provide: PROJECT_SCOPE, useValue: scope.asReadonly() }] });
    const sut = TestBed.inject(PROJECT_SCOPE);

    expect(sut()).toEqual({ cloudAdmin: false, projectName: 'demo' });
    scope.set({ cloudAdmin: true, projectName: 'admin' });
    expect(sut().cloudAdmin).toBe(true);
  });
});
