import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		reporters: ['default', './test/summary-reporter.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// End-to-end tests bind loopback ports and spawn processes: keep files isolated.
		pool: 'forks',
	},
});
