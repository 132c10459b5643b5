#!/usr/bin/env node
// The CLI is TypeScript; run it through tsx so the package's bin works without a build step.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], {
	stdio: 'inherit',
	cwd: process.cwd(),
});
process.exitCode = result.status ?? 1;
