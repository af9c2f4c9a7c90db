// An accessibility scan of the page as it is now, with axe-core: the violations of serious or critical impact.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/**
 * axe-core's own source, evaluated in the page through the DevTools protocol (`page.evaluate` with a string): it is
 * no `<script>` element, so the console's Content-Security-Policy neither blocks it nor reports it (support/csp-guard.ts
 * would fail the test).
 */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface A11yViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly helpUrl: string;
  /** The CSS selector of each offending element. */
  readonly targets: string[];
}

/**
 * Rules not checked on some elements, each with why it cannot be fixed in the console's own code. A rule is never
 * turned off for the whole page.
 */
const EXCEPTIONS: readonly { readonly rule: string; readonly selector: string; readonly why: string }[] = [
  {
    rule: 'label-content-name-mismatch',
    selector: '.mat-calendar-period-button',
    why:
      "Angular Material's calendar header (inside MatDatepicker, not our template): the button shows the period (e.g. " +
      '“DEC 2026”, hidden from assistive technology) but is named by its action, “Choose month and year”, with the ' +
      'period as its description in a live region. Its markup cannot be changed from the console, and its name cannot ' +
      'hold the period (MatDatepickerIntl gives a fixed label).',
  },
];

/** The serious and critical violations axe-core finds in the page now (after its animations have finished). */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  // A change of colour scheme or a dialog opening starts its transitions at the next frames; a dialog or a menu fading
  // in is not yet in its final colours (spinners and progress bars run for ever).
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined)))));
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity),
  );
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (exceptions) => {
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      helpUrl: string;
      nodes: { target: unknown[]; impact?: string | null }[];
    }
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeResult[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.flatMap((violation) => {
      const nodes = violation.nodes.filter(
        (node) =>
          ['serious', 'critical'].includes(node.impact ?? violation.impact ?? '') &&
          !exceptions.some(
            (exception) =>
              exception.rule === violation.id &&
              node.target.some((target) => document.querySelector(String(target))?.matches(exception.selector)),
          ),
      );
      return nodes.length === 0
        ? []
        : [
            {
              id: violation.id,
              impact: nodes.some((node) => (node.impact ?? violation.impact) === 'critical') ? 'critical' : 'serious',
              help: violation.help,
              helpUrl: violation.helpUrl,
              targets: nodes.map((node) => node.target.map(String).join(' ')),
            },
          ];
    });
  }, EXCEPTIONS);
  return violations;
}

/** The violations as a list a person can act on: rule, what it asks, and the offending elements. */
export function describeViolations(violations: readonly A11yViolation[]): string {
  return violations
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${v.targets.map((target) => `    at ${target}`).join('\n')}`)
    .join('\n');
}

/** Fails, naming every serious or critical violation, when the page has any. `label` says which page and state. */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length > 0) {
    throw new Error(`Accessibility violations on ${label} (${page.url()}):\n${describeViolations(violations)}`);
  }
}

/** The page as it is now, scanned in the light and in the dark colour scheme (the console follows the system's). */
export async function expectNoSeriousA11yViolationsInBothSchemes(page: Page, label: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await expectNoSeriousA11yViolations(page, `${label} (light)`);
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await expectNoSeriousA11yViolations(page, `${label} (dark)`);
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
}
