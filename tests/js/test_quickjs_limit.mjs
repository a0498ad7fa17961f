// flags: --memory-limit 4m
// Errors thrown at the memory limit (deps/patches/quickjs/), in the root
// isolate: a child that reaches its limit ends at once (docs/api.md, Limits
// and faults), while in the root running out stays a catchable error, so the
// heap can be held at the limit while errors are thrown.
import { test, assert } from './harness.mjs';
import { throwAtLimit } from './fixtures/quickjs/at_limit.mjs';

test('errors thrown at the memory limit stay errors', () => {
  // Before: a use-after-free in build_backtrace (the out-of-memory error
  // freed the error whose stack was being written), which took the whole
  // process down; and null thrown when the error object could not be made.
  const seen = throwAtLimit(150);
  assert.equal(seen['not an error'], undefined, JSON.stringify(seen));
  assert.ok(seen.TypeError > 0, JSON.stringify(seen));
  assert.equal(throwAtLimit(150)['not an error'], undefined, 'and again');
});
