import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { killAll, spawnBot, type LogLine } from './helpers/process.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const GUILDS = 20;
const CHANNELS_PER_GUILD = 10;
const PAPERS = 12;

const delivered = (l: LogLine) => l.msg === 'digest delivered';
const skipped = (l: LogLine) => l.msg === 'channel is being delivered by another process; skipped this round';

describe.skipIf(!redisAvailable)('two processes with the same shards over one Redis', () => {
	let emu: Emulator | undefined;
	let dir: string | undefined;
	let namespace: string | undefined;
	afterAll(async () => {
		await killAll();
		await emu?.stop();
		if (namespace) await cleanupRedisNamespace(namespace);
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('deliver one digest to 200 channels with no paper twice, though Discord’s nonce deduplication is off', async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-fleet-leases-'));
		await mkdir(join(dir, 'digests'));
		// Window 0: a resent nonce is a new message, so only the channel lease can prevent a duplicate.
		emu = await startEmulator({ nonceWindowMs: 0, responseDelayMs: [40, 120], rateLimits: { globalPerSecond: 100 } });
		const guilds = Array.from({ length: GUILDS }, () => emu!.addGuild({ channels: CHANNELS_PER_GUILD }));
		const channels = guilds.flatMap((g) => g.channels);
		namespace = uniqueRedisNamespace('fleet-leases');
		const store = await openStore(REDIS_URL, { namespace });
		for (const g of guilds) for (const c of g.channels) await subscribe(store, g.id, c);
		await store.close();

		const env = {
			DISCORD_TOKEN: emu.token,
			DISCORD_API_BASE: emu.apiBase,
			DIGEST_DIR: join(dir, 'digests'),
			STORE_URL: REDIS_URL,
			STORE_NAMESPACE: namespace,
			SCAN_INTERVAL_SECONDS: '1',
			// The same shard in both: each process sees every guild and would deliver every channel.
			SHARD_IDS: '0',
			SHARD_COUNT: '1',
		};
		// Each process owns its archive index, as each machine's would.
		const procs = [0, 1].map((n) => spawnBot('src/main.ts', { ...env, ARCHIVE_INDEX: join(env.DIGEST_DIR, '..', `archive-${n}.sqlite`) }));
		await Promise.all(procs.map((p) => p.waitForLog((l) => l.msg === 'ready', 30_000)));

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, PAPERS).map((p) => p.id);
		await writeDigest(join(dir, 'digests'), today, papersFor(today, PAPERS));
		await until(() => channels.every((c) => receivedIds(emu!, c).length >= papers.length), 45_000, 'every channel to get the digest');
		await Promise.all(procs.map((p) => p.kill('SIGTERM'))); // stopped: what the channels hold is final

		const twice = channels.filter((c) => receivedIds(emu!, c).length !== papers.length);
		expect(twice, `${twice.length} channels got a paper more than once`).toEqual([]);
		for (const c of channels) expect(receivedIds(emu, c)).toEqual(papers);
		const perChannel = emu.messages(channels[0] ?? '').length;
		expect(channels.reduce((n, c) => n + emu!.messages(c).length, 0)).toBe(channels.length * perChannel);

		// Both took part, each channel was counted as delivered once, and the processes did meet on channels.
		const counts = procs.map((p) => p.logs.filter(delivered).length);
		expect(counts.every((n) => n > 0)).toBe(true);
		expect(counts[0]! + counts[1]!).toBe(channels.length);
		expect(procs.flatMap((p) => p.logs.filter(delivered).map((l) => String(l['channel']))).sort()).toEqual([...channels].sort());
		expect(procs.reduce((n, p) => n + p.logs.filter(skipped).length, 0)).toBeGreaterThan(0);
		console.info(`[fleet-leases] deliveries per process ${counts.join(' + ')}; skips ${procs.map((p) => p.logs.filter(skipped).length).join(' + ')}`);
	}, 90_000);
});
