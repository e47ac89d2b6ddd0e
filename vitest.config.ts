import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Two forks on this 2-core machine (vitest would keep one core free): most files wait on the embedded
    // emulators or on child processes, so two overlap those waits (measured: 285 s with one, 201 s with two).
    maxWorkers: 2,
    // CDK synthesis with bundling and the embedded emulators take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
