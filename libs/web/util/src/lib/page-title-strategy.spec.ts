import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, Router, TitleStrategy } from '@angular/router';
import { pageTitle, PageTitleStrategy } from './page-title-strategy';

@Component({ template: '' })
class Blank {}

describe(PageTitleStrategy.name, () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'titled', title: 'Catalog', component: Blank },
          { path: 'untitled', component: Blank },
        ]),
        { provide: TitleStrategy, useClass: PageTitleStrategy },
      ],
    });
  });

  it('suffixes the route title with the product name', async () => {
    await TestBed.inject(Router).navigateByUrl('/titled');

    expect(TestBed.inject(Title).getTitle()).toBe('Catalog · Peak Scheduler');
  });

  it('falls back to the product name alone', async () => {
    await TestBed.inject(Router).navigateByUrl('/untitled');

    expect(TestBed.inject(Title).getTitle()).toBe('Peak Scheduler');
  });

  it("joins a page's own parts before the product name, skipping empty ones", () => {
    expect(pageTitle('Run 1 Dec', '', 'nightly')).toBe('Run 1 Dec · nightly · Peak Scheduler');
  });
});
