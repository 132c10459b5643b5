import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { ROOT } from './helpers/process.ts';
import { until } from './helpers/received.ts';

/** True while any process of the group is alive (signal 0 only asks). */
function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('a supervisor that signals the pid it started', () => {
	let emu: Emulator;
	let dir: string;
	let pgid = 0;
	beforeAll(async () => {
		emu = await startEmulator();
		dir = await mkdtemp(join(tmpdir(), 'paperboy-npm-'));
	});
	afterAll(async () => {
		if (pgid && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
	});

	it('SIGTERM to `npm start` stops the bot gracefully and leaves no process behind', async () => {
		const npm = spawn('npm', ['start', '--silent'], {
			cwd: ROOT,
			detached: true, // its own group, so what is left of it can be looked for
			env: {
				PATH: process.env['PATH'] ?? '',
				HOME: process.env['HOME'] ?? '',
				DISCORD_TOKEN: emu.token,
				DISCORD_API_BASE: emu.apiBase,
				DIGEST_DIR: join(dir, 'digests'),
				STORE_URL: `sqlite://${join(dir, 'state.sqlite')}`,
				LOG_FORMAT: 'json',
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		pgid = npm.pid!;
		let out = '';
		npm.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
		npm.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
		const exited = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)));
		await until(() => out.includes('"msg":"ready"'), 60_000, 'the bot to be ready');
		process.kill(npm.pid!, 'SIGTERM'); // the pid a supervisor knows, not the group
		expect(await exited).toBe(0);
		expect(out).toContain('"msg":"stopped"');
		await until(() => !groupAlive(pgid), 10_000, 'every process of the group to end');
	}, 90_000);
});
