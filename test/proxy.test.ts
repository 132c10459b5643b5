import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { startRestProxy, type RunningProxy } from '../src/proxy.ts';
import { openStore } from '../src/store/store.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { killAll, spawnBot } from './helpers/process.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const lines: string[] = [];
const logger = createLogger('debug', (l) => lines.push(l));

describe('the REST proxy (@discordjs/proxy) in front of the emulator', () => {
	let emu: Emulator | undefined;
	let proxy: RunningProxy | undefined;
	afterEach(async () => {
		await proxy?.close(1000);
		await emu?.stop();
		proxy = undefined;
		emu = undefined;
		lines.length = 0;
	});

	const start = async () => {
		emu = await startEmulator();
		proxy = await startRestProxy({ upstream: emu.apiBase, host: '127.0.0.1', port: 0, globalPerSecond: 50, logger });
		return { emu, proxy };
	};

	it('passes each request’s own Authorization through and answers like Discord, errors with their codes', async () => {
		const { emu, proxy } = await start();
		const g = emu.addGuild({ channels: 1 });
		const rest = new REST({ api: proxy.apiBase }).setToken(emu.token);
		await rest.post(Routes.channelMessages(g.channels[0]!), { body: { content: 'hello' } });
		expect(emu.messages(g.channels[0]!).map((m) => m.body['content'])).toEqual(['hello']);
		const err = await rest.get(Routes.channel('1234567890123456789')).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(DiscordAPIError);
		expect((err as DiscordAPIError).code).toBe(10003);
		// The proxy has no token of its own: a wrong one is refused upstream.
		const wrong = await new REST({ api: proxy.apiBase, retries: 0 })
			.setToken('MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.not-the-token')
			.get(Routes.user())
			.catch((e: unknown) => e);
		expect((wrong as DiscordAPIError).status).toBe(401);
		expect(lines.join('\n')).not.toContain(emu.token);
	});

	it('takes a base without /api as well (the path would otherwise reach Discord as /api/v10/v10/…)', async () => {
		const { emu, proxy } = await start();
		const rest = new REST({ api: proxy.apiBase.replace(/\/api$/, '') }).setToken(emu.token);
		expect(await rest.get(Routes.user())).toMatchObject({ id: emu.appId });
	});

	it('sends the same body again when it retries after a 429', async () => {
		const { emu, proxy } = await start();
		const g = emu.addGuild({ channels: 1 });
		emu.fault({ method: 'POST', path: /\/messages$/, status: 429, retryAfter: 0.05 });
		await new REST({ api: proxy.apiBase }).setToken(emu.token).post(Routes.channelMessages(g.channels[0]!), { body: { content: 'after a 429' } });
		const posts = emu.requests.filter((r) => r.method === 'POST');
		expect(posts.map((r) => r.status)).toEqual([429, 200]);
		expect(emu.messages(g.channels[0]!).map((m) => m.body['content'])).toEqual(['after a 429']);
	});

	it('answers 502, not an empty 200, when the upstream cannot be reached', async () => {
		emu = await startEmulator();
		const dead = emu.apiBase;
		await emu.stop();
		emu = undefined;
		proxy = await startRestProxy({ upstream: dead, host: '127.0.0.1', port: 0, globalPerSecond: 50, logger });
		const res = await fetch(`${proxy.apiBase}/v10/users/@me`, { headers: { authorization: 'Bot x' } });
		expect(res.status).toBe(502);
	}, 60_000);
});

describe('REST_PROXY=embedded with npm run start:sharded', () => {
	let emu: Emulator | undefined;
	let dir: string | undefined;
	afterAll(async () => {
		await killAll();
		await emu?.stop();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('starts one proxy in the launcher and sends every shard’s REST through it; the gateway stays direct', async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-embedded-proxy-'));
		await mkdir(join(dir, 'digests'));
		emu = await startEmulator({ shardCount: 2 });
		const guilds = [emu.addGuild({ channels: 2 }), emu.addGuild({ channels: 2 })];
		const storeUrl = `sqlite://${join(dir, 'state.sqlite')}`;
		const store = await openStore(storeUrl);
		for (const g of guilds) for (const c of g.channels) await subscribe(store, g.id, c);
		await store.close();
		const manager = spawnBot('src/shard.ts', {
			DISCORD_TOKEN: emu.token,
			DISCORD_API_BASE: emu.apiBase,
			DIGEST_DIR: join(dir, 'digests'),
			STORE_URL: storeUrl,
			SCAN_INTERVAL_SECONDS: '1',
			SHARD_COUNT: '2',
			REST_PROXY: 'embedded',
			LOG_LEVEL: 'debug',
		});
		await manager.waitForLog((l) => l.msg === 'all shards ready', 40_000);
		const listening = manager.logs.find((l) => l.msg === 'REST proxy listening');
		expect(listening).toMatchObject({ host: '127.0.0.1', part: 'rest-proxy' });
		expect(emu.sessions().map((s) => s.shard.join('/'))).toEqual(expect.arrayContaining(['0/2', '1/2']));

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 3);
		await writeDigest(join(dir, 'digests'), today, papers);
		const channels = guilds.flatMap((g) => g.channels);
		await until(() => channels.every((c) => receivedIds(emu!, c).length >= papers.length), 20_000, 'every channel to get the digest');
		for (const c of channels) expect(receivedIds(emu, c)).toEqual(papers.map((p) => p.id));
		// Every message went through the launcher's proxy, from both shards' processes.
		// (A request is logged once its answer is sent, which may trail the emulator's record of it.)
		const proxied = () => manager.logs.filter((l) => l.msg === 'proxied a request' && l.method === 'POST').map((l) => String(l['route']));
		await until(() => channels.every((c) => proxied().includes(`/api/v10/channels/${c}/messages`)), 5000, 'the proxy to log every message');
		await manager.kill('SIGTERM');
		expect(await manager.exited).toBe(0);
	}, 90_000);
});
