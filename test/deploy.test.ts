import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { ROOT } from './helpers/process.ts';

/** `npm run deploy -- <args>` as a user runs it: its own process, configured by the environment. */
function deploy(emu: Emulator, args: string[]): Promise<{ code: number | null; out: string }> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/deploy.ts', ...args], {
		cwd: ROOT,
		env: {
			PATH: process.env['PATH'] ?? '',
			HOME: process.env['HOME'] ?? '',
			DISCORD_TOKEN: emu.token,
			DISCORD_APP_ID: emu.appId,
			DISCORD_API_BASE: emu.apiBase,
			LOG_FORMAT: 'json',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
	child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
	return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('npm run deploy', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => {
		await emu.stop();
	});

	it('registers globally, warns when a guild copy doubles them, and --clear removes the copy', async () => {
		const guild = emu.addGuild({ channels: 1 });
		const global = await deploy(emu, []);
		expect(global.code).toBe(0);
		const count = emu.commands().length;
		expect(count).toBeGreaterThan(5);

		const dev = await deploy(emu, ['--guild', guild.id]);
		expect(dev.code).toBe(0);
		expect(emu.commands(guild.id)).toHaveLength(count);
		expect(dev.out).toContain(`npm run deploy -- --clear --guild ${guild.id}`);
		expect(dev.out).not.toContain(emu.token);

		const cleared = await deploy(emu, ['--clear', '--guild', guild.id]);
		expect(cleared.code).toBe(0);
		expect(emu.commands(guild.id)).toEqual([]);
		expect(emu.commands()).toHaveLength(count); // the global ones stay
		expect(cleared.out).toContain('commands removed');

		await deploy(emu, ['--clear']);
		expect(emu.commands()).toEqual([]);
	}, 60_000);

	it('refuses a guild that is not a server id, before talking to Discord', async () => {
		const bad = await deploy(emu, ['--guild', 'my-server']);
		expect(bad.code).toBe(2);
		expect(bad.out).toContain('--guild takes a server id');
	});
});
