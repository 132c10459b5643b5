import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDotEnv } from '../src/env-file.ts';
import { loadConfig } from '../src/config.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { killAll, ROOT, spawnBot } from './helpers/process.ts';

/** `.env.example` with the lines the README says to fill in, filled in as a user would. */
async function envFromExample(dir: string, values: Record<string, string>): Promise<void> {
	let text = await readFile(join(ROOT, '.env.example'), 'utf8');
	for (const [key, value] of Object.entries(values)) {
		const line = new RegExp(`^${key}=.*$`, 'm');
		expect(text, `.env.example has a ${key}= line`).toMatch(line);
		text = text.replace(line, `${key}=${value}`);
	}
	await writeFile(join(dir, '.env'), text);
}

describe('the first start, following the README', () => {
	let emu: Emulator;
	let dir: string;
	beforeAll(async () => {
		emu = await startEmulator();
		dir = await mkdtemp(join(tmpdir(), 'paperboy-first-'));
	});
	afterAll(async () => {
		await killAll();
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
	});

	it('reads .env.example as shipped: every empty value is "not set", and the result is valid', async () => {
		const env: NodeJS.ProcessEnv = {};
		const path = join(dir, 'example.env');
		await copyFile(join(ROOT, '.env.example'), path);
		loadDotEnv(path, env);
		expect(Object.values(env)).not.toContain('');
		expect(env['SHARD_COUNT']).toBeUndefined();
		const config = loadConfig(env);
		expect(config.SHARD_COUNT).toBeUndefined();
		expect(config.DISCORD_API_BASE).toBe('https://discord.com/api');
	});

	it('an empty variable in the real environment is "not set" too', () => {
		const env: NodeJS.ProcessEnv = { SHARD_COUNT: '', SHARDS: '', LOG_LEVEL: 'warn' };
		loadDotEnv(join(dir, 'no-such.env'), env);
		expect(env).toEqual({ LOG_LEVEL: 'warn' });
	});

	it('cp .env.example .env, set the token and app id, start: the bot comes up', async () => {
		await envFromExample(dir, { DISCORD_TOKEN: emu.token, DISCORD_APP_ID: emu.appId, DISCORD_API_BASE: emu.apiBase });
		const bot = spawnBot('src/main.ts', { LOG_FORMAT: 'json' }, { cwd: dir });
		await bot.waitForLog((l) => l.msg === 'ready', 30_000);
		expect(bot.other.join('\n')).not.toContain('shardCount');
		await bot.kill('SIGTERM');
		expect(await bot.exited).toBe(0);
	}, 60_000);
});
