// Loaded after the test framework in every e2e file (jest.config.cts): a test during which any page reported a
// Content-Security-Policy violation fails, naming what was blocked and where.
import { takeCspViolations } from './stack';

afterEach(() => {
  const violations = takeCspViolations();
  if (violations.length > 0) {
    throw new Error(`Chromium reported ${violations.length} Content-Security-Policy violation(s):\n${violations.join('\n')}`);
  }
});
