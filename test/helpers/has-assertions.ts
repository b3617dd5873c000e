/**
 * Every test of the unit and integration projects must make at least one assertion: a test that asserts
 * nothing fails instead of passing silently (vitest setupFiles, see vitest.config.ts).
 */
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
