import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the test run with one plain line, `N passed, N failed` (and skipped when any), counted over every suite.
 * A test file that fails before its tests run (an import error, a failing beforeAll) counts as one failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      let tests = 0;
      for (const t of m.children.allTests()) {
        tests++;
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (tests === 0 || (m.state() === 'failed' && !hasFailedTest(m))) failed++;
    }
    failed += errors.length;
    console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}

function hasFailedTest(m: TestModule): boolean {
  for (const t of m.children.allTests()) if (t.result().state === 'failed') return true;
  return false;
}
