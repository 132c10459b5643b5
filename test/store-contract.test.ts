import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger, type Logger } from '../src/log.ts';
import { storeKeys, type SubscriptionDraft } from '../src/store/schema.ts';
import { CorruptRecordError, openStore, type Store } from '../src/store/store.ts';
import { until } from './helpers/received.ts';
import { storesAt, type StoreLocation } from './helpers/store-locations.ts';
import { storeRecords } from './helpers/store-records.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, redisPttl, uniqueRedisNamespace } from './helpers/redis.ts';

/** One storage location per test; `open` may be called several times to get independent instances on it. */
interface Captured {
	logger: Logger;
	warnings: Array<Record<string, unknown>>;
}

function captureLogger(): Captured {
	const warnings: Array<Record<string, unknown>> = [];
	const logger = createLogger('warn', (line) => warnings.push(JSON.parse(line) as Record<string, unknown>));
	return { logger, warnings };
}

const G1 = '100000000000000001';
const G2 = '200000000000000002';

function draft(guildId: string, channelId: string, extra: Partial<SubscriptionDraft> = {}): SubscriptionDraft {
	return {
		guildId,
		channelId,
		time: '09:00',
		timezone: 'Asia/Seoul',
		minVotes: null,
		top: 10,
		mentionRoleId: null,
		thread: false,
		createdAt: '2024-12-01T00:00:00.000Z',
		startAfterDate: '2024-12-08',
		lastDeliveredDate: null,
		paused: null,
		...extra,
	};
}

/** A keyv envelope around a value, as the store writes it, for injecting schema-invalid records. */
const envelope = (value: unknown) => JSON.stringify({ value });

const sentKeys = async (store: Store, channelId: string, date: string) => new Set((await store.ledger.sent(channelId, date)).keys());
const sentPaperIds = async (store: Store, channelId: string, date: string) =>
	new Set([...(await store.ledger.sent(channelId, date)).values()].flatMap((e) => e.paperIds));

function storeContract(makeLocation: () => Promise<StoreLocation>) {
	const open = storesAt(makeLocation);

	it('stores a subscription and stamps updatedAt', async () => {
		const store = await open({ now: () => new Date('2024-12-09T01:02:03.000Z') });
		const saved = await store.subscriptions.put(draft(G1, '11'));
		expect(saved.updatedAt).toBe('2024-12-09T01:02:03.000Z');
		expect(await store.subscriptions.get(G1, '11')).toEqual(saved);
		expect(await store.subscriptions.get(G1, '12')).toBeNull();
	});

	it('replacing a subscription keeps one index entry', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '11', { time: '18:30' }));
		const list = await store.subscriptions.list(G1);
		expect(list).toHaveLength(1);
		expect(list[0]?.time).toBe('18:30');
	});

	it('rejects an invalid subscription without writing it', async () => {
		const store = await open();
		await expect(store.subscriptions.put(draft(G1, '11', { timezone: 'Mars/Olympus' }))).rejects.toThrow(/time zone/);
		await expect(store.subscriptions.put(draft(G1, '11', { time: '24:00' }))).rejects.toThrow(/HH:MM/);
		await expect(store.subscriptions.put(draft(G1, 'general'))).rejects.toThrow();
		expect(await store.subscriptions.list(G1)).toEqual([]);
	});

	it('patches fields, keeps identity and createdAt, and returns null for a missing subscription', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		const paused = { reason: 'Missing Access', code: 50001, at: '2024-12-09T00:00:00.000Z' };
		const patched = await store.subscriptions.patch(G1, '11', { paused, lastDeliveredDate: '2024-12-09' });
		expect(patched).toMatchObject({ guildId: G1, channelId: '11', paused, lastDeliveredDate: '2024-12-09', createdAt: '2024-12-01T00:00:00.000Z' });
		expect(await store.subscriptions.get(G1, '11')).toEqual(patched);
		expect(await store.subscriptions.patch(G1, '99', { top: 3 })).toBeNull();
		await expect(store.subscriptions.patch(G1, '11', { top: 0 })).rejects.toThrow();
		expect((await store.subscriptions.get(G1, '11'))?.top).toBe(10);
	});

	it('a guild cannot read, patch or delete another guild’s subscription', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G2, '21'));
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['11']);
		expect(await store.subscriptions.get(G1, '21')).toBeNull();
		expect(await store.subscriptions.patch(G1, '21', { top: 1 })).toBeNull();
		expect(await store.subscriptions.delete(G1, '21')).toBe(false);
		expect(await store.subscriptions.get(G2, '21')).toMatchObject({ top: 10 });
		expect(await store.subscriptions.list(G2)).toHaveLength(1);
	});

	it('deleting a subscription removes it from the guild index, and the last one removes the index', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		expect(await store.subscriptions.delete(G1, '11')).toBe(true);
		expect(await store.subscriptions.delete(G1, '11')).toBe(false);
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['12']);
		expect(JSON.parse((await storeRecords(store).get(storeKeys.guildIndex(G1))) ?? 'null').value.channelIds).toEqual(['12']);
		await store.subscriptions.delete(G1, '12');
		expect(await storeRecords(store).get(storeKeys.guildIndex(G1))).toBeUndefined();
		expect(await store.subscriptions.listAll()).toEqual([]);
	});

	it('deleteGuild removes every subscription of that guild only', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		await store.subscriptions.put(draft(G2, '21'));
		expect(await store.subscriptions.deleteGuild(G1)).toBe(2);
		expect(await store.subscriptions.list(G1)).toEqual([]);
		expect(await store.subscriptions.get(G1, '12')).toBeNull();
		expect((await store.subscriptions.listAll()).map((s) => s.channelId)).toEqual(['21']);
	});

	it('listAllSubscriptions reads only the guilds it is given', async () => {
		const store = await open();
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		await store.subscriptions.put(draft(G2, '21'));
		const mine = await store.subscriptions.listAll(new Set([G2, '300000000000000003']));
		expect(mine.map((s) => s.channelId)).toEqual(['21']);
		const all = await store.subscriptions.listAll();
		expect(all.map((s) => s.channelId).sort()).toEqual(['11', '12', '21']);
	});

	it('records each delivered message once per channel and digest', async () => {
		const store = await open();
		const date = '2024-12-09';
		expect(await store.ledger.recordDelivered('11', date, 'm0', { messageId: '501', paperIds: ['2412.04887', '2412.05237'] })).toBe(true);
		expect(await store.ledger.recordDelivered('11', date, 'm0', { messageId: '999', paperIds: ['2412.00001'] })).toBe(false);
		expect(await store.ledger.recordDelivered('11', date, 'm1', { messageId: '502', paperIds: ['2412.06000'] })).toBe(true);
		expect(await sentKeys(store, '11', date)).toEqual(new Set(['m0', 'm1']));
		expect(await sentPaperIds(store, '11', date)).toEqual(new Set(['2412.04887', '2412.05237', '2412.06000']));
		expect((await store.ledger.sent('11', date)).get('m0')?.messageId).toBe('501');
		expect((await store.ledger.sent('11', date)).has('m1')).toBe(true);
		expect((await store.ledger.sent('12', date)).has('m1')).toBe(false);
		expect((await store.ledger.sent('11', '2024-12-10')).has('m1')).toBe(false);
	});

	it('keeps how each message was drawn, and replaces it after an edit', async () => {
		const store = await open();
		const date = '2024-12-09';
		const view = { format: 'cards' as const, hash: 'h1', lead: 'digest' as const, count: 2, rank: 1 };
		await store.ledger.recordDelivered('11', date, 'm0', { messageId: '501', paperIds: ['2412.04887'], view });
		await store.ledger.recordDelivered('11', date, 'm1', { messageId: '502', paperIds: ['2412.05237'] });
		expect((await store.ledger.sent('11', date)).get('m0')?.view).toEqual(view);
		expect(await store.ledger.recordView('11', date, 'm0', { ...view, hash: 'h2', target: '77' })).toBe(true);
		expect(await store.ledger.recordView('11', date, 'm1', { ...view, hash: 'h3', deleted: true })).toBe(true);
		const entries = await store.ledger.sent('11', date);
		expect(entries.get('m0')).toMatchObject({ messageId: '501', paperIds: ['2412.04887'], view: { hash: 'h2', target: '77' } });
		expect(entries.get('m1')?.view).toMatchObject({ hash: 'h3', deleted: true });
		// Nothing recorded under that key: nothing to edit, and no record made up.
		expect(await store.ledger.recordView('11', date, 'm9', view)).toBe(false);
		expect(await store.ledger.recordView('12', date, 'm0', view)).toBe(false);
		expect((await store.ledger.sent('12', date)).size).toBe(0);
		await expect(store.ledger.recordView('11', date, 'm0', { ...view, hash: '' })).rejects.toThrow();
	});

	it('concurrent ledger writes for one channel all survive', async () => {
		const store = await open();
		const keys = Array.from({ length: 20 }, (_, i) => `m${i}`);
		const results = await Promise.all(keys.map((k, i) => store.ledger.recordDelivered('11', '2024-12-09', k, { messageId: String(600 + i), paperIds: [] })));
		expect(results.every(Boolean)).toBe(true);
		expect(await sentKeys(store, '11', '2024-12-09')).toEqual(new Set(keys));
	});

	it('ledger and thread records carry the ledger ttl and expire after it', async () => {
		const store = await open({ ledgerTtlMs: 60_000 });
		await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: [] });
		await store.ledger.setThread('11', '2024-12-09', '777');
		expect(await store.ledger.getThread('11', '2024-12-09')).toBe('777');
		expect(await store.ledger.getThread('11', '2024-12-10')).toBeNull();
		const expires = JSON.parse((await storeRecords(store).get(storeKeys.ledger('11', '2024-12-09'))) ?? '{}').expires as number;
		expect(expires).toBeGreaterThan(Date.now());
		expect(expires).toBeLessThanOrEqual(Date.now() + 60_000);
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			vi.setSystemTime(Date.now() + 61_000);
			expect(await sentKeys(store, '11', '2024-12-09')).toEqual(new Set());
			expect(await store.ledger.getThread('11', '2024-12-09')).toBeNull();
		} finally {
			vi.useRealTimers();
		}
	});

	it('a pending send is kept until its own message is recorded, then gone', async () => {
		const store = await open();
		const send = { nonce: 'm0', paperIds: ['2412.04887'], at: new Date().toISOString() };
		expect(await store.ledger.pending('11', '2024-12-09')).toBeNull();
		await store.ledger.setPending('11', '2024-12-09', send);
		expect(await store.ledger.pending('11', '2024-12-09')).toEqual(send);
		expect(await store.ledger.pending('11', '2024-12-10')).toBeNull();
		await store.ledger.recordDelivered('11', '2024-12-09', 'header', { messageId: '500', paperIds: [] });
		expect(await store.ledger.pending('11', '2024-12-09')).toEqual(send); // another message: still to recover
		await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: ['2412.04887'] });
		expect(await store.ledger.pending('11', '2024-12-09')).toBeNull();
		expect(await storeRecords(store).get(storeKeys.pending('11', '2024-12-09'))).toBeUndefined();
	});

	it('a pending send expires with the ledger ttl', async () => {
		const store = await open({ ledgerTtlMs: 300 });
		const send = { nonce: 'm0', paperIds: [], at: new Date().toISOString() };
		await store.ledger.setPending('11', '2024-12-09', send);
		const expires = JSON.parse((await storeRecords(store).get(storeKeys.pending('11', '2024-12-09'))) ?? '{}').expires as number;
		expect(expires).toBeLessThanOrEqual(Date.now() + 300);
		await until(async () => (await store.ledger.pending('11', '2024-12-09')) === null, 5_000, 'the 300 ms pending send to expire');
	});

	it('a channel’s ledger, thread and pending records go with its subscription, and a guild’s with the guild', async () => {
		const store = await open();
		const date = '2024-12-09';
		const send = { nonce: 'm1', paperIds: [], at: new Date().toISOString() };
		for (const c of ['11', '12', '110']) {
			await store.subscriptions.put(draft(G1, c));
			await store.ledger.recordDelivered(c, date, 'm0', { messageId: '501', paperIds: [] });
			await store.ledger.setThread(c, date, '777');
			await store.ledger.setPending(c, date, send);
		}
		expect(await store.subscriptions.delete(G1, '11')).toBe(true);
		expect(await sentKeys(store, '11', date)).toEqual(new Set());
		expect(await store.ledger.getThread('11', date)).toBeNull();
		expect(await store.ledger.pending('11', date)).toBeNull();
		// A channel whose id starts with the removed one's keeps its records.
		for (const c of ['12', '110']) {
			expect(await sentKeys(store, c, date)).toEqual(new Set(['m0']));
			expect(await store.ledger.getThread(c, date)).toBe('777');
			expect(await store.ledger.pending(c, date)).toEqual(send);
		}
		expect(await store.subscriptions.deleteGuild(G1)).toBe(2);
		for (const c of ['12', '110']) {
			expect(await sentKeys(store, c, date)).toEqual(new Set());
			expect(await store.ledger.getThread(c, date)).toBeNull();
			expect(await store.ledger.pending(c, date)).toBeNull();
		}
	});

	it('honours a pending send written as a setting by earlier versions: moved on open under the ledger ttl, logged once', async () => {
		const first = await open();
		const date = '2024-12-09';
		const send = { nonce: 'm0', paperIds: ['2412.04887'], at: new Date(Date.now() - 30_000).toISOString() };
		const legacy = (c: string) => storeKeys.setting(`pending:${c}:${date}`);
		await storeRecords(first).set(legacy('11'), envelope(send));
		await storeRecords(first).set(legacy('12'), envelope({ ...send, at: '2020-01-01T00:00:00.000Z' })); // long past the ttl
		await first.close();
		const lines: Array<Record<string, unknown>> = [];
		const logger = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
		const second = await open({ logger, ledgerTtlMs: 60_000 });
		expect(await second.ledger.pending('11', date)).toEqual(send);
		expect(await second.ledger.pending('12', date)).toBeNull();
		expect(await storeRecords(second).get(legacy('11'))).toBeUndefined();
		expect(await storeRecords(second).get(legacy('12'))).toBeUndefined();
		const expires = JSON.parse((await storeRecords(second).get(storeKeys.pending('11', date))) ?? '{}').expires as number;
		// What is left of the ttl counted from the send, give or take the milliseconds the move took.
		expect(expires).toBeGreaterThan(Date.now());
		expect(expires).toBeLessThanOrEqual(Date.parse(send.at) + 60_000 + 1_000);
		expect(lines.filter((l) => /pending sends moved/.test(String(l.msg)))).toEqual([expect.objectContaining({ level: 'info', moved: 1, dropped: 1 })]);
		await second.ledger.recordDelivered('11', date, 'm0', { messageId: '501', paperIds: ['2412.04887'] });
		expect(await second.ledger.pending('11', date)).toBeNull();
		const third = await open({ logger });
		expect(lines.filter((l) => /pending sends moved/.test(String(l.msg)))).toHaveLength(1); // nothing left to move
		await third.close();
	});

	it('skips a subscription that is not JSON, with a warning naming the key, and lists the rest', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		await storeRecords(store).set(storeKeys.subscription(G1, '12'), '{"value": {"guildId": "1000');
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['11']);
		expect((await store.subscriptions.listAll([G1])).map((s) => s.channelId)).toEqual(['11']);
		expect(await store.subscriptions.get(G1, '12')).toBeNull();
		expect(warnings.length).toBeGreaterThanOrEqual(3);
		expect(warnings[0]).toMatchObject({ level: 'warn', key: storeKeys.subscription(G1, '12') });
		expect(String(warnings[0]?.problem)).toMatch(/invalid JSON/);
	});

	it('skips a subscription that fails the schema, with the zod message', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		const bad = { ...draft(G1, '12'), updatedAt: '2024-12-09T00:00:00Z', time: '9am' };
		await storeRecords(store).set(storeKeys.subscription(G1, '12'), envelope(bad));
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['11']);
		expect(warnings[0]).toMatchObject({ key: storeKeys.subscription(G1, '12') });
		expect(String(warnings[0]?.problem)).toMatch(/^time: /);
	});

	it('skips a record stored under another guild’s key', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await store.subscriptions.put(draft(G1, '11'));
		const foreign = { ...draft(G2, '21'), updatedAt: '2024-12-09T00:00:00Z' };
		await storeRecords(store).set(storeKeys.subscription(G1, '11'), envelope(foreign));
		expect(await store.subscriptions.list(G1)).toEqual([]);
		expect(await store.subscriptions.get(G1, '11')).toBeNull();
		expect(warnings.some((w) => /do not match/.test(String(w.problem)))).toBe(true);
	});

	it('rebuilds a guild’s list from its keys when the index record is corrupt', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		await storeRecords(store).set(storeKeys.guildIndex(G1), 'garbage');
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId).sort()).toEqual(['11', '12']);
		expect((await store.subscriptions.listAll([G1])).map((s) => s.channelId).sort()).toEqual(['11', '12']);
		expect(warnings[0]).toMatchObject({ key: storeKeys.guildIndex(G1) });
	});

	it('rebuilds a guild’s list from its keys when its index names another guild, with a warning', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await store.subscriptions.put(draft(G1, '11'));
		await store.subscriptions.put(draft(G1, '12'));
		await storeRecords(store).set(storeKeys.guildIndex(G1), envelope({ guildId: G2, channelIds: ['11'] }));
		expect((await store.subscriptions.listAll([G1])).map((s) => s.channelId).sort()).toEqual(['11', '12']);
		expect((await store.subscriptions.listAll()).map((s) => s.channelId).sort()).toEqual(['11', '12']);
		expect((await store.subscriptions.list(G1)).map((s) => s.channelId).sort()).toEqual(['11', '12']);
		expect(warnings.filter((w) => w.key === storeKeys.guildIndex(G1) && /guildId/.test(String(w.problem)))).toHaveLength(3);
	});

	it('a corrupt ledger reads as corrupt, not as nothing delivered, and is never overwritten', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		const bad = {
			'2024-12-09': envelope({ channelId: '11', date: '2024-12-09', entries: { m0: { messageId: 'x' } } }),
			'2024-12-10': '{"value": {"channelId": "11"',
			'2024-12-11': envelope({ channelId: '12', date: '2024-12-11', entries: {} }),
		};
		for (const [date, text] of Object.entries(bad)) {
			const key = storeKeys.ledger('11', date);
			await storeRecords(store).set(key, text);
			await expect(store.ledger.sent('11', date)).rejects.toMatchObject({ name: 'CorruptRecordError', key });
			await expect(store.ledger.recordDelivered('11', date, 'm1', { messageId: '5', paperIds: [] })).rejects.toBeInstanceOf(CorruptRecordError);
			expect(await storeRecords(store).get(key)).toBe(text);
			expect(warnings.some((w) => w.key === key)).toBe(true);
		}
		expect(await sentKeys(store, '11', '2024-12-12')).toEqual(new Set()); // absent is still empty
	});

	it('a pending send that fails its schema reads as none, with a warning', async () => {
		const { logger, warnings } = captureLogger();
		const store = await open({ logger });
		await storeRecords(store).set(storeKeys.pending('11', '2024-12-09'), envelope({ nonce: 'm0', paperIds: 'three' }));
		expect(await store.ledger.pending('11', '2024-12-09')).toBeNull();
		expect(warnings[0]).toMatchObject({ key: storeKeys.pending('11', '2024-12-09') });
	});

	it('keeps data across close and reopen', async () => {
		const first = await open();
		await first.subscriptions.put(draft(G1, '11'));
		await first.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: ['2412.04887'] });
		await first.ledger.setPending('11', '2024-12-10', { nonce: 'm0', paperIds: [], at: '2024-12-10T00:00:00.000Z' });
		await first.close();
		const second = await open();
		expect((await second.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['11']);
		expect(await sentPaperIds(second, '11', '2024-12-09')).toEqual(new Set(['2412.04887']));
		expect((await second.ledger.pending('11', '2024-12-10'))?.nonce).toBe('m0');
	});

	it('two instances on one location see each other’s writes', async () => {
		const a = await open();
		const b = await open();
		await a.subscriptions.put(draft(G1, '11'));
		expect(await b.subscriptions.get(G1, '11')).not.toBeNull();
		await b.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: [] });
		expect((await a.ledger.sent('11', '2024-12-09')).has('m0')).toBe(true);
		await b.subscriptions.delete(G1, '11');
		expect(await a.subscriptions.list(G1)).toEqual([]);
	});

	it('concurrent subscription writes from two instances in one guild all stay listed', async () => {
		const a = await open();
		const b = await open();
		const ids = (from: number) => Array.from({ length: 8 }, (_, i) => String(from + i));
		for (const c of ids(10)) await a.subscriptions.put(draft(G1, c));
		await Promise.all([
			...ids(10).map((c) => a.subscriptions.delete(G1, c)),
			...ids(30).map((c) => a.subscriptions.put(draft(G1, c))),
			...ids(50).map((c) => b.subscriptions.put(draft(G1, c))),
		]);
		const expected = [...ids(30), ...ids(50)].sort();
		expect((await a.subscriptions.list(G1)).map((s) => s.channelId).sort()).toEqual(expected);
		expect((await b.subscriptions.listAll([G1])).map((s) => s.channelId).sort()).toEqual(expected);
	});

	it('a guild write waits for another instance’s index lease, and takes it once that lease expires', async () => {
		const a = await open();
		const b = await open();
		expect(await b.leases.tryLock(`index:${G1}`, 100)).toBe(true); // as a process that crashed mid-write leaves it
		await a.subscriptions.put(draft(G1, '11'));
		expect((await b.subscriptions.list(G1)).map((s) => s.channelId)).toEqual(['11']);
		expect(await b.leases.tryLock(`index:${G1}`, 30_000)).toBe(true); // a released its lease after the write
	});

	it('tryLock is exclusive between two instances until the holder unlocks', async () => {
		const a = await open();
		const b = await open();
		expect(await a.leases.tryLock('deliver:11', 30_000)).toBe(true);
		expect(await b.leases.tryLock('deliver:11', 30_000)).toBe(false);
		expect(await a.leases.tryLock('deliver:11', 30_000)).toBe(false);
		expect(await b.leases.tryLock('deliver:12', 30_000)).toBe(true);
		await b.leases.unlock('deliver:11'); // not the holder: no effect
		expect(await b.leases.tryLock('deliver:11', 30_000)).toBe(false);
		await a.leases.unlock('deliver:11');
		expect(await b.leases.tryLock('deliver:11', 30_000)).toBe(true);
	});

	it('only one of many concurrent tryLock calls wins', async () => {
		const instances = await Promise.all([open(), open(), open()]);
		const attempts = await Promise.all(instances.flatMap((s) => [s.leases.tryLock('race', 30_000), s.leases.tryLock('race', 30_000)]));
		expect(attempts.filter(Boolean)).toHaveLength(1);
	});

	it('an expired lease can be taken by another instance', async () => {
		const a = await open();
		const b = await open();
		expect(await a.leases.tryLock('short', 20)).toBe(true);
		await until(() => b.leases.tryLock('short', 30_000), 5_000, 'the 20 ms lease to expire');
		await a.leases.unlock('short'); // a's lease is gone; it must not release b's
		expect(await a.leases.tryLock('short', 30_000)).toBe(false);
	});

	it('withLock runs the function only when the lease is free and releases it afterwards', async () => {
		const a = await open();
		const b = await open();
		const inner = await a.leases.withLock('job', 30_000, async () => b.leases.withLock('job', 30_000, async () => 'never'));
		expect(inner).toEqual({ locked: true, value: { locked: false } });
		expect(await b.leases.withLock('job', 30_000, async () => 42)).toEqual({ locked: true, value: 42 });
	});

	it('closing releases the leases the instance holds', async () => {
		const a = await open();
		const b = await open();
		expect(await a.leases.tryLock('held', 30_000)).toBe(true);
		await a.close();
		expect(await b.leases.tryLock('held', 30_000)).toBe(true);
	});
}

describe('store (sqlite)', () => {
	const dirs: string[] = [];
	afterAll(() => {
		for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
	});
	storeContract(async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
		dirs.push(dir);
		const url = `sqlite://${join(dir, 'nested', 'paperboy.sqlite')}`;
		return {
			open: (opts) => openStore(url, opts),
			dispose: async () => rmSync(dir, { recursive: true, force: true }),
		};
	});

	it('creates the parent folder of the database file', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
		dirs.push(dir);
		const file = join(dir, 'a', 'b', 'paperboy.sqlite');
		const store = await openStore(`sqlite://${file}`);
		expect(storeRecords(store).kind).toBe('sqlite');
		await store.close();
		expect(existsSync(file)).toBe(true);
	});

	it('sweepExpired deletes expired ledger records from the file', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
		dirs.push(dir);
		const store = await openStore(`sqlite://${join(dir, 'p.sqlite')}`, { ledgerTtlMs: 1000 });
		await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '1', paperIds: [] });
		await store.subscriptions.put(draft(G1, '11'));
		expect(await store.ledger.sweepExpired()).toBe(0);
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			vi.setSystemTime(Date.now() + 5000);
			expect(await store.ledger.sweepExpired()).toBe(1);
		} finally {
			vi.useRealTimers();
		}
		expect(await storeRecords(store).get(storeKeys.ledger('11', '2024-12-09'))).toBeUndefined();
		expect(await store.subscriptions.get(G1, '11')).not.toBeNull();
		await store.close();
	});

	it('namespaces in one file do not see each other', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
		dirs.push(dir);
		const url = `sqlite://${join(dir, 'p.sqlite')}`;
		const a = await openStore(url, { namespace: 'bot_a' });
		const b = await openStore(url, { namespace: 'bot-b' });
		await a.subscriptions.put(draft(G1, '11'));
		expect(await b.subscriptions.listAll()).toEqual([]);
		expect(await b.leases.tryLock('x', 30_000)).toBe(true);
		expect(await a.leases.tryLock('x', 30_000)).toBe(true);
		await a.close();
		await b.close();
	});
});

describe.skipIf(!redisAvailable)('store (redis)', () => {
	storeContract(async () => {
		const namespace = uniqueRedisNamespace('store');
		return {
			open: (opts) => openStore(REDIS_URL, { ...opts, namespace }),
			dispose: async () => {
				await cleanupRedisNamespace(namespace);
			},
		};
	});

	it('passes the ledger ttl to Redis so it expires server-side', async () => {
		const namespace = uniqueRedisNamespace('ttl');
		const store = await openStore(REDIS_URL, { namespace, ledgerTtlMs: 60_000 });
		try {
			expect(storeRecords(store).kind).toBe('redis');
			await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '1', paperIds: [] });
			const ttl = await redisPttl(namespace, storeKeys.ledger('11', '2024-12-09'));
			expect(ttl).toBeGreaterThan(0);
			expect(ttl).toBeLessThanOrEqual(60_000);
			await store.subscriptions.put(draft(G1, '11'));
			expect(await redisPttl(namespace, storeKeys.subscription(G1, '11'))).toBe(-1);
		} finally {
			await store.close();
			await cleanupRedisNamespace(namespace);
		}
	});
});
