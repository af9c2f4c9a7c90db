import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';
import { PRODUCT_NAME } from './routes';

/**
 * A tab title from the most specific part to the least, ending with the product: `pageTitle('Run …', 'nightly')` is
 * `Run … · nightly · Peak Scheduler`. Pages that know more than their route (a schedule's name) set it with this.
 */
export function pageTitle(...parts: readonly string[]): string {
  return [...parts.filter((part) => part.length > 0), PRODUCT_NAME].join(' · ');
}

/** Browser tab titles read "Schedules · Peak Scheduler", so several open consoles stay distinguishable. */
@Injectable()
export class PageTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    const page = this.buildTitle(snapshot);
    this.title.setTitle(pageTitle(page ?? ''));
  }
}
