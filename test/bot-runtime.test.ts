import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startBot, StartupError } from '../src/app.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { startHarness } from './helpers/bot.ts';

describe('bot runtime', () => {
	let emu: Emulator;
	let dir: string;
	beforeAll(async () => {
		emu = await startEmulator();
		emu.addGuild({ channels: 1 });
		dir = await mkdtemp(join(tmpdir(), 'paperboy-runtime-'));
	});
	afterAll(async () => {
		await emu?.stop();
		await rm(dir, { recursive: true, force: true });
	});

	const env = (extra: Record<string, string> = {}) =>
		loadConfig({ DISCORD_API_BASE: emu.apiBase, DIGEST_DIR: dir, STORE_URL: `sqlite://${join(dir, 's.sqlite')}`, ...extra });

	it('refuses to start without a token, saying where to put it', async () => {
		await expect(startBot({ config: env(), logger: createLogger('silent') })).rejects.toThrow(/DISCORD_TOKEN is not set/);
	});

	it('reports a rejected token clearly, without echoing it', async () => {
		const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.token-that-must-not-leak';
		const lines: string[] = [];
		const err = await startBot({ config: env({ DISCORD_TOKEN: token }), logger: createLogger('debug', (l) => lines.push(l)) }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(StartupError);
		expect(String((err as Error).message)).toMatch(/Could not log in/);
		expect(String((err as Error).message)).not.toContain(token);
		expect(lines.join('\n')).not.toContain(token);
	});

	it('never writes the token to a log, even when an error carries it', async () => {
		const h = await startHarness({ setup: (e) => void e.addGuild({ channels: 1 }) });
		try {
			h.bot.ctx.logger.error({ err: new Error(`request failed with Bot ${h.emu.token}`) }, `token=${h.emu.token}`);
			expect(h.logs.length).toBeGreaterThan(3);
			expect(h.logs.join('\n')).not.toContain(h.emu.token);
			expect(h.logs.join('\n')).toContain('[redacted]');
		} finally {
			await h.stop();
		}
	});

	it('lists every configuration problem at once', () => {
		expect(() => loadConfig({ STORE_URL: 'mysql://x', CATCH_UP_DAYS: '-1', DEFAULT_TIMEZONE: 'Nowhere/City' })).toThrow(
			/STORE_URL[\s\S]*DEFAULT_TIMEZONE[\s\S]*CATCH_UP_DAYS|STORE_URL[\s\S]*CATCH_UP_DAYS[\s\S]*DEFAULT_TIMEZONE/,
		);
	});

	it('refuses shard ids without the fleet’s shard count, or beyond it', () => {
		expect(() => loadConfig({ SHARD_IDS: '0,1' })).toThrow(/SHARD_IDS needs SHARD_COUNT/);
		expect(() => loadConfig({ SHARD_IDS: '0,2', SHARD_COUNT: '2' })).toThrow(/shards 2 are not below SHARD_COUNT/);
		expect(loadConfig({ SHARD_IDS: '0,1', SHARD_COUNT: '2' }).SHARD_IDS).toEqual([0, 1]);
	});

	it('npm start exits with a clear message when the token is missing', () => {
		const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
			env: { ...process.env, DISCORD_TOKEN: '', DIGEST_DIR: dir, STORE_URL: `sqlite://${join(dir, 'm.sqlite')}` },
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(res.status).toBe(1);
		expect(res.stderr).toContain('DISCORD_TOKEN is not set');
	});
});
