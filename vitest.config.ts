import { defineConfig } from 'vitest/config';

// Projects: fast units run in parallel; end-to-end tests drive real Xvfb, ffmpeg and Chromium,
// and the kernel rig boots a real kernel under QEMU, so those run one file at a time to stay
// inside a 2-core machine. Projects that serve the PWA build web/dist first when its sources
// changed (test/setup/web-build.ts), so `npm run test:e2e` works on a fresh clone.
const webBuild = ['test/setup/web-build.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/e2e/**',
            'test/rig/**',
            'test/deploy/**',
            'test/layouts-e2e/**',
            'test/fuzz/**',
            'test/soak/**',
            'test/faults/**',
            'node_modules/**',
          ],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          // fuzz/soak/faults: a real bridge in a child process (and the simulated target), short runs.
          include: [
            'test/e2e/**/*.test.ts',
            'test/fuzz/**/*.test.ts',
            'test/soak/**/*.test.ts',
            'test/faults/**/*.test.ts',
          ],
          globalSetup: webBuild,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'rig',
          include: ['test/rig/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: 'layouts',
          include: ['test/layouts-e2e/**/*.test.ts'],
          globalSetup: webBuild,
          fileParallelism: false,
          testTimeout: 1_800_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
