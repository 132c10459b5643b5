import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { startEmulator, shardOf, type Emulator, type GuildInfo } from '../emulator/index.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { killAll, spawnBot, type BotProcess, type LogLine } from './helpers/process.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { subscribe } from './helpers/subscriptions.ts';
import { receivedIds, until } from './helpers/received.ts';

const SHARDS = 2;

interface Fleet {
	emu: Emulator;
	dir: string;
	namespace: string;
	guilds: GuildInfo[];
	channels: Array<{ guild: string; channel: string }>;
	env: Record<string, string>;
}

/** The emulator with guilds on both shards, every channel subscribed in a fresh Redis namespace. */
async function fleet(opts: { guildsPerShard: number; channelsPerGuild: number; responseDelayMs?: readonly [number, number] }): Promise<Fleet> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-shards-'));
	await mkdir(join(dir, 'digests'));
	const emu = await startEmulator({ shardCount: SHARDS, ...(opts.responseDelayMs ? { responseDelayMs: opts.responseDelayMs } : {}) });
	const guilds = Array.from({ length: opts.guildsPerShard * SHARDS }, () => emu.addGuild({ channels: opts.channelsPerGuild }));
	for (let s = 0; s < SHARDS; s++) expect(guilds.filter((g) => shardOf(g.id, SHARDS) === s)).toHaveLength(opts.guildsPerShard);
	const namespace = uniqueRedisNamespace('shards');
	const store = await openStore(REDIS_URL, { namespace });
	const channels = guilds.flatMap((g) => g.channels.map((c) => ({ guild: g.id, channel: c })));
	for (const { guild, channel } of channels) await subscribe(store, guild, channel);
	await store.close();
	const env = {
		DISCORD_TOKEN: emu.token,
		DISCORD_API_BASE: emu.apiBase,
		DIGEST_DIR: join(dir, 'digests'),
		STORE_URL: REDIS_URL,
		STORE_NAMESPACE: namespace,
		SCAN_INTERVAL_SECONDS: '1',
		// A killed shard's channel leases keep its restarted process off its channels this long.
		DELIVERY_LEASE_SECONDS: '2',
	};
	return { emu, dir, namespace, guilds, channels, env };
}

const delivered = (l: LogLine) => l.msg === 'digest delivered';
const dirOf = (f: Fleet) => join(f.dir, 'digests');

describe.skipIf(!redisAvailable)('sharded fleet over Redis (two shard processes)', () => {
	let f: Fleet | undefined;
	afterEach(async () => {
		await killAll();
		if (f) {
			await f.emu.stop();
			await cleanupRedisNamespace(f.namespace);
			await rm(f.dir, { recursive: true, force: true });
		}
		f = undefined;
	});
	afterAll(killAll);

	it('each shard process posts only to its own guilds, and every channel gets the digest once', async () => {
		f = await fleet({ guildsPerShard: 2, channelsPerGuild: 2 });
		const { emu, env, channels } = f;
		const procs = [0, 1].map((id) => spawnBot('src/main.ts', { ...env, SHARD_IDS: String(id), SHARD_COUNT: String(SHARDS) }));
		await Promise.all(procs.map((p) => p.waitForLog((l) => l.msg === 'ready')));
		expect(
			emu
				.sessions()
				.map((s) => s.shard.join('/'))
				.sort(),
		).toEqual(['0/2', '1/2']);

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 15);
		await writeDigest(dirOf(f), today, papers);
		await until(() => channels.every((c) => receivedIds(emu, c.channel).length >= papers.length), 20_000, 'every channel to be complete');
		await Promise.all(procs.map((p) => p.kill('SIGTERM'))); // stopped: what the channels hold is final
		for (const c of channels) expect(receivedIds(emu, c.channel)).toEqual(papers.map((p) => p.id));

		// Who posted where: each process's deliveries are all in guilds of its own shard.
		procs.forEach((p, shard) => {
			const guilds = p.logs.filter(delivered).map((l) => String(l['guild']));
			expect(guilds.length).toBeGreaterThan(0);
			for (const g of guilds) expect(shardOf(g, SHARDS)).toBe(shard);
		});
		expect(procs.flatMap((p) => p.logs.filter(delivered))).toHaveLength(channels.length);
	});

	it('still posts exactly once when a shard process is SIGKILLed mid-delivery and restarted', async () => {
		f = await fleet({ guildsPerShard: 2, channelsPerGuild: 3, responseDelayMs: [150, 300] });
		const { emu, env, channels } = f;
		const envOf = (id: number) => ({ ...env, SHARD_IDS: String(id), SHARD_COUNT: String(SHARDS) });
		const procs: BotProcess[] = [0, 1].map((id) => spawnBot('src/main.ts', envOf(id)));
		await Promise.all(procs.map((p) => p.waitForLog((l) => l.msg === 'ready')));

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 40);
		await writeDigest(dirOf(f), today, papers);
		const shard0 = channels.filter((c) => shardOf(c.guild, SHARDS) === 0);
		const postedTo = (cs: typeof channels) => cs.reduce((n, c) => n + emu.messages(c.channel).length, 0);
		await until(() => postedTo(shard0) >= 4, 20_000, 'shard 0 to start delivering');
		await procs[0]?.kill('SIGKILL');
		const atKill = shard0.map((c) => receivedIds(emu, c.channel).length);
		expect(atKill.some((n) => n < papers.length)).toBe(true);

		const restarted = spawnBot('src/main.ts', envOf(0));
		await until(() => channels.every((c) => receivedIds(emu, c.channel).length >= papers.length), 30_000, 'every channel to be complete');
		await Promise.all([procs[1], restarted].map((p) => p?.kill('SIGTERM')));
		for (const c of channels) expect(receivedIds(emu, c.channel)).toEqual(papers.map((p) => p.id));
		for (const c of channels) expect(emu.messages(c.channel).filter((m) => String(m.body['content'] ?? '').includes(today))).toHaveLength(1);
		// The survivor never touched shard 0's channels.
		for (const l of procs[1]?.logs.filter(delivered) ?? []) expect(shardOf(String(l['guild']), SHARDS)).toBe(1);
		expect(restarted.logs.filter(delivered).every((l) => shardOf(String(l['guild']), SHARDS) === 0)).toBe(true);
	});

	it('the ShardingManager launcher (npm run start:sharded) runs one process per recommended shard', async () => {
		f = await fleet({ guildsPerShard: 1, channelsPerGuild: 1 });
		const { emu, env, channels } = f;
		// No SHARD_COUNT: the launcher asks GET /gateway/bot at DISCORD_API_BASE, which recommends 2.
		const manager = spawnBot('src/shard.ts', env);
		await manager.waitForLog((l) => l.msg === 'all shards ready', 40_000);
		// Each shard's own 'ready' line may trail the manager's by a moment (they share one pipe).
		await until(() => manager.logs.filter((l) => l.msg === 'ready').length >= SHARDS, 5000, 'both shards to log ready');
		expect(
			emu
				.sessions()
				.map((s) => s.shard.join('/'))
				.sort(),
		).toEqual(['0/2', '1/2']);

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 3);
		await writeDigest(dirOf(f), today, papers);
		await until(() => channels.every((c) => receivedIds(emu, c.channel).length >= papers.length), 20_000, 'every channel to be complete');
		for (const c of channels) expect(receivedIds(emu, c.channel)).toEqual(papers.map((p) => p.id));
		// SIGTERM: the launcher stops its shards, which finish in-flight work and exit.
		await manager.kill('SIGTERM');
		expect(await manager.exited).toBe(0);
	}, 60_000);
});
