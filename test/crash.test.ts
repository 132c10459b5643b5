import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/store.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { killAll, spawnBot, type BotProcess } from './helpers/process.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

describe('crash recovery of one process over SQLite', () => {
	let emu: Emulator;
	let dir: string;
	const procs: BotProcess[] = [];
	afterAll(async () => {
		await killAll();
		await emu?.stop();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-crash-'));
		await mkdir(join(dir, 'digests'));
		// Slow answers keep several messages in flight when the process dies.
		emu = await startEmulator({ responseDelayMs: [150, 300] });
	});

	it('delivers every paper to every channel exactly once across a SIGKILL mid-digest and a restart', async () => {
		const guilds = [emu.addGuild({ channels: 3 }), emu.addGuild({ channels: 3 })];
		const channels = guilds.flatMap((g) => g.channels.map((c) => ({ guild: g.id, channel: c })));
		const storeUrl = `sqlite://${join(dir, 'state.sqlite')}`;
		const store: Store = await openStore(storeUrl);
		for (const { guild, channel } of channels) await subscribe(store, guild, channel);
		await store.close();
		const env = {
			DISCORD_TOKEN: emu.token,
			DISCORD_API_BASE: emu.apiBase,
			DIGEST_DIR: join(dir, 'digests'),
			STORE_URL: storeUrl,
			SCAN_INTERVAL_SECONDS: '1',
			// The killed process's channel leases keep the restarted one off its channels this long.
			DELIVERY_LEASE_SECONDS: '2',
		};

		const first = spawnBot('src/main.ts', env);
		procs.push(first);
		await first.waitForLog((l) => l.msg === 'ready');
		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 40).map((p) => p.id);
		await writeDigest(join(dir, 'digests'), today, papersFor(today, 40));

		const posted = () => channels.reduce((n, c) => n + emu.messages(c.channel).length, 0);
		await until(() => posted() >= 6, 20_000, 'the first messages');
		await first.kill('SIGKILL');
		const atKill = channels.map((c) => receivedIds(emu, c.channel).length);
		// The kill landed mid-digest: something posted, not everything.
		expect(atKill.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
		expect(atKill.some((n) => n < papers.length)).toBe(true);

		const second = spawnBot('src/main.ts', env);
		procs.push(second);
		await until(() => channels.every((c) => receivedIds(emu, c.channel).length >= papers.length), 30_000, 'every channel to be complete');
		// Once the process has stopped nothing else can arrive, so what the channels hold is final.
		await second.kill('SIGTERM');
		for (const c of channels) expect(receivedIds(emu, c.channel)).toEqual(papers);
		// The digest's header went out once per channel too.
		for (const c of channels) expect(emu.messages(c.channel).filter((m) => String(m.body['content'] ?? '').includes(today))).toHaveLength(1);
	});

	it('SIGTERM mid-digest stops between messages, exits cleanly, and a restart finishes the digest', async () => {
		const g = emu.addGuild({ channels: 2 });
		const storeUrl = `sqlite://${join(dir, 'term.sqlite')}`;
		const store: Store = await openStore(storeUrl);
		for (const ch of g.channels) await subscribe(store, g.id, ch);
		await store.close();
		const digests = join(dir, 'term-digests');
		await mkdir(digests);
		const env = { DISCORD_TOKEN: emu.token, DISCORD_API_BASE: emu.apiBase, DIGEST_DIR: digests, STORE_URL: storeUrl, SCAN_INTERVAL_SECONDS: '1' };
		const first = spawnBot('src/main.ts', env);
		await first.waitForLog((l) => l.msg === 'ready');
		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 40).map((p) => p.id);
		await writeDigest(digests, today, papersFor(today, 40));
		await until(() => g.channels.some((c) => emu.messages(c).length >= 1), 20_000, 'the first messages');
		await first.kill('SIGTERM');
		expect(await first.exited).toBe(0);
		await first.waitForLog((l) => l.msg === 'stopped');
		const atStop = g.channels.map((c) => receivedIds(emu, c).length);
		expect(atStop.some((n) => n < papers.length)).toBe(true); // it stopped, rather than finishing the fan-out first

		const second = spawnBot('src/main.ts', env);
		await until(() => g.channels.every((c) => receivedIds(emu, c).length >= papers.length), 30_000, 'every channel to be complete');
		await second.kill('SIGTERM');
		for (const c of g.channels) expect(receivedIds(emu, c)).toEqual(papers);
	});
});
