import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'quadra-nas',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
