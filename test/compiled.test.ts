import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Runs a script as an ES module on plain node (no tsx), from the project folder. */
function plainNode(script: string) {
	return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('the compiled bot (dist/, what npm start runs) works without tsx', () => {
	beforeAll(() => {
		// Incremental: quick when npm test has just built it.
		const built = spawnSync(process.execPath, ['bin/build.js'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
		expect(built.status, built.stdout + built.stderr).toBe(0);
	}, 130_000);

	it('the parser thread boots its compiled entry and parses a digest there', () => {
		const run = plainNode(`
			import { ParserThread } from './dist/src/archive/parse-thread.js';
			const thread = new ParserThread();
			const read = await thread.read('${join(ROOT, 'data/2025/01/07.md')}', '2025/01/07.md', 1e7);
			await thread.close();
			console.log(JSON.stringify({ kind: read.kind, papers: read.kind === 'parsed' ? read.result.digest?.papers.length : null }));
		`);
		expect(run.stderr).toBe('');
		expect(JSON.parse(run.stdout.trim())).toEqual({ kind: 'parsed', papers: 3 });
	});
});
