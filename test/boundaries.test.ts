import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/process.ts';

const run = promisify(execFile);

interface Violation {
	from: string;
	to: string;
	rule: { name: string };
}

/** Runs the project's dependency rules over `dirs` of `cwd`, as `npm test` does, and returns what they refuse. */
async function cruise(cwd: string, dirs: string[]): Promise<Violation[]> {
	const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
	const out = await run(process.execPath, [bin, ...dirs, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd, maxBuffer: 64 << 20 }).catch(
		(err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }), // it exits non-zero when something is refused
	);
	const result = JSON.parse(out.stdout) as { summary: { violations: Violation[] } };
	return result.summary.violations;
}

describe('layer boundaries', () => {
	let planted: string | undefined;
	afterAll(async () => {
		if (planted) await rm(planted, { recursive: true, force: true });
	});

	it('hold for the code as it is', async () => {
		const violations = await cruise(ROOT, ['src', 'commands', 'bench']);
		expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
	}, 60_000);

	it('refuse each kind of upward or forbidden import when one is planted', async () => {
		planted = await mkdtemp(join(tmpdir(), 'paperboy-layers-'));
		const dir = planted;
		await copyFile(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
		await copyFile(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
		await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
		const files: Record<string, string> = {
			'src/config.ts': 'export const x = 1;\n',
			'src/store/schema.ts': 'export const Sub = 1;\nexport type Sub = number;\n',
			'src/store/store.ts': "import { x } from '../config.ts';\nexport const y = x;\n",
			'src/digest/parse.ts': "import { Client } from 'discord.js';\nexport const c = Client;\n",
			'src/render/embed.ts': "import type { APIEmbed } from 'discord.js';\nexport type E = APIEmbed;\n",
			'src/archive/archive.ts': "import { y } from '../store/store.ts';\nexport const z = y;\n",
			'src/delivery/plan.ts': "import { Sub } from '../store/schema.ts';\nimport type { Sub as T } from '../store/schema.ts';\nexport const s: T = Sub;\n",
			'commands/index.ts': 'export const commands = [];\n',
			'src/bot/dispatcher.ts': "import { commands } from '../../commands/index.ts';\nexport const d = commands;\n",
			'src/app.ts': "import { commands } from '../commands/index.ts';\nexport const a = commands;\n",
		};
		for (const [file, text] of Object.entries(files)) {
			await mkdir(join(dir, dirname(file)), { recursive: true });
			await writeFile(join(dir, file), text);
		}
		// The linked node_modules resolves outside the planted tree; name a package by its place in node_modules.
		const found = (await cruise(dir, ['src', 'commands']))
			.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`)
			.sort();
		expect(found).toEqual(
			[
				'only-the-root-imports-commands: src/bot/dispatcher.ts → commands/index.ts',
				'pure-no-discord-runtime: src/digest/parse.ts → node_modules/discord.js/src/index.js',
				'pure-no-store: src/archive/archive.ts → src/store/store.ts',
				'pure-store-schema-types-only: src/delivery/plan.ts → src/store/schema.ts',
				'store-imports-nothing-above: src/store/store.ts → src/config.ts',
			].sort(),
		);
	}, 60_000);
});
