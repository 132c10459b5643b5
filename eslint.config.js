import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['node_modules/', 'coverage/', 'dist/', 'var/', 'emulator/discord-api-spec-zod.d.ts'] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		rules: {
			// `_`-prefixed names say "given, not needed" (a callback's parameters, a destructured rest).
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			// `x != null` is the one loose comparison worth keeping: null and undefined together.
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			// Logs go through the logger, where the token is redacted; only command-line tools print.
			'no-console': 'error',
		},
	},
	{
		files: ['bin/**', 'bench/**', 'test/**', 'src/cli/**', 'src/deploy.ts', 'demo/main.ts'],
		rules: { 'no-console': 'off' },
	},
	{
		// Plain JavaScript has no compiler to name Node's globals.
		files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
		languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable', require: 'readonly' } },
	},
	{
		// The demo's page runs in the browser.
		files: ['demo/public/**/*.js'],
		languageOptions: {
			globals: Object.fromEntries(
				['document', 'window', 'fetch', 'requestAnimationFrame', 'setTimeout', 'clearTimeout', 'URLSearchParams', 'EventSource', 'console'].map((g) => [
					g,
					'readonly',
				]),
			),
		},
	},
);
