import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Every unit and integration test makes at least one assertion. */
const HAS_ASSERTIONS = 'test/helpers/has-assertions.ts';

/**
 * Projects: pure unit tests, the console's component tests (jsdom), integration tests against DynamoDB Local (started once by the global
 * setup, each test file on its own table), and assertions on the synthesized CDK template.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: [HAS_ASSERTIONS] } },
      {
        plugins: [react()],
        test: {
          name: 'console',
          include: ['test/console/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['test/console/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: [HAS_ASSERTIONS],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
