import type { Locator } from 'playwright-core';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The boxes of two elements read in the same frame. Two `boundingBox()` calls are two moments: a page that is still
 * laying out (data arriving, a scrollbar appearing) can move one element between them, and the comparison then fails
 * for no fault of the layout.
 */
export async function boxesInOneFrame(first: Locator, second: Locator): Promise<[Box, Box]> {
  const other = await second.elementHandle();
  if (!other) throw new Error(`${second} is not on the page`);
  try {
    return await first.evaluate((element, otherElement) => {
      const box = (e: Element): Box => {
        const { x, y, width, height } = e.getBoundingClientRect();
        return { x, y, width, height };
      };
      return [box(element), box(otherElement)];
    }, other);
  } finally {
    await other.dispose();
  }
}
