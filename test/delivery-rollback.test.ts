import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { receivedIds } from './helpers/received.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { rawSnapshot, redisSnapshot, type Snapshot } from './helpers/store-snapshot.ts';
import { subscribe } from './helpers/subscriptions.ts';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The store goes back to a snapshot taken before a digest went out, after Discord's nonce memory
 * lapsed (the emulator forgets nonces after 1 ms): without a look at the channel, the whole digest
 * would be posted a second time.
 */
describe('a store that went back in time does not post a digest again', () => {
	let h: Harness | undefined;
	let cleanup: (() => Promise<void>) | undefined;
	afterEach(async () => {
		await h?.stop();
		await cleanup?.();
		h = undefined;
		cleanup = undefined;
	});

	async function deliverThenRollBack(opts: { store?: Store; snapshot: (store: Store) => Promise<Snapshot>; logs?: string[] }) {
		h = await startHarness({
			emulator: { nonceWindowMs: 1 },
			bot: { settleMs: 0, scheduler: { retryBaseMs: 60_000 } },
			guilds: [{ channels: 2 }],
			...(opts.store ? { store: opts.store } : {}),
		});
		const g = h.guilds[0]!;
		const [ch, quiet] = g.channels as [string, string];
		const date = today();
		const papers = papersFor(date, 24); // three messages of cards
		await subscribe(h.store, g.id, ch);
		await subscribe(h.store, g.id, quiet, { minVotes: 1000 }); // wants none of them
		const before = await opts.snapshot(h.store);

		await writeDigest(`${h.dir}/digests`, date, papers);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, ch)).toEqual(papers.map((p) => p.id));
		expect((await h.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBe(date);
		const lookupsBefore = h.emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/messages')).length;

		await before.restore();
		expect((await h.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBeNull(); // the ledger forgot the digest too
		await h.bot.ctx.scheduler.run(g.id, ch);
		await h.bot.ctx.scheduler.run(g.id, quiet);
		const logs = opts.logs ?? h.logs;
		return { g, ch, date, papers, logs, lookupsBefore };
	}

	it('SQLite: finds the messages in the channel and records them instead of posting them again', async () => {
		const { g, ch, date, papers, logs, lookupsBefore } = await deliverThenRollBack({ snapshot: rawSnapshot });
		expect(lookupsBefore).toBe(0); // a store that never went back costs no lookups
		expect(receivedIds(h!.emu, ch)).toEqual(papers.map((p) => p.id));
		expect(h!.emu.messages(ch)).toHaveLength(3);
		expect(logs.some((l) => l.includes('the store went back in time') && l.includes('"level":"error"'))).toBe(true);
		expect(logs.some((l) => l.includes('found messages already posted in the channel') && l.includes('"messages":3'))).toBe(true);
		// Recorded, so a later run needs neither Discord nor another lookup.
		const sent = await h!.store.ledger.sent(ch, date);
		expect([...sent.values()].flatMap((e) => e.paperIds).sort()).toEqual(papers.map((p) => p.id).sort());
		expect((await h!.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBe(date);
		const lookups = h!.emu.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${ch}/messages`).length;
		await h!.bot.ctx.scheduler.run(g.id, ch);
		expect(h!.emu.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${ch}/messages`)).toHaveLength(lookups);
		expect(h!.emu.messages(ch)).toHaveLength(3);
	});

	it('SQLite: a digest that grew after the rollback gets only its new papers', async () => {
		const { g, ch, date, papers } = await deliverThenRollBack({ snapshot: rawSnapshot });
		const late = { id: `${date.slice(2, 4)}${date.slice(5, 7)}.99999`, title: 'A late addition', votes: 1 };
		await writeDigest(`${h!.dir}/digests`, date, [...papers, late]);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		expect(receivedIds(h!.emu, ch)).toEqual([...papers.map((p) => p.id), late.id]);
		// The header went with the first message, never again; the late paper says it was added.
		expect(h!.emu.messages(ch).filter((m) => String(m.body['content'] ?? '').includes(`Daily Papers — ${date}`))).toHaveLength(1);
		expect(h!.emu.messages(ch).at(-1)?.body['content']).toBe(`📰 **1 paper added to the ${date} digest**`);
		expect((await h!.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBe(date);
	});

	it.skipIf(!redisAvailable)('Redis: restored with DUMP/RESTORE from before the digest, nothing is posted twice', async () => {
		const namespace = uniqueRedisNamespace('rollback');
		const logs: string[] = [];
		const store = await openStore(REDIS_URL, { namespace, logger: createLogger('debug', (line) => logs.push(line)) });
		cleanup = async () => {
			await store.close();
			await cleanupRedisNamespace(namespace);
		};
		const { ch, papers } = await deliverThenRollBack({ store, snapshot: () => redisSnapshot(namespace), logs });
		expect(receivedIds(h!.emu, ch)).toEqual(papers.map((p) => p.id));
		expect(logs.some((l) => l.includes('the store went back in time'))).toBe(true);
		expect(h!.logs.some((l) => l.includes('found messages already posted in the channel'))).toBe(true);
	});
});
