import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FOLLOWS_MAX, SAVED_MAX, storeKeys, type DmRecord } from '../src/store/schema.ts';
import { openStore } from '../src/store/store.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, redisPttl, uniqueRedisNamespace } from './helpers/redis.ts';
import { storesAt, type StoreLocation } from './helpers/store-locations.ts';
import { storeRecords } from './helpers/store-records.ts';

const A = '300000000000000003';
const B = '400000000000000004';
const envelope = (value: unknown) => JSON.stringify({ value });

function dm(userId: string, date: string, extra: Partial<DmRecord> = {}): DmRecord {
	return {
		userId,
		date,
		state: 'sent',
		nonce: `f${date}`,
		paperIds: ['2412.04887'],
		queries: ['splatting'],
		messageId: '77',
		at: `${date}T01:00:00.000Z`,
		...extra,
	};
}

function membersContract(makeLocation: () => Promise<StoreLocation>) {
	const open = storesAt(makeLocation);

	it('saves papers newest first, keeps one entry per paper, and survives a reopen', async () => {
		let t = Date.parse('2024-12-09T00:00:00Z');
		const store = await open({ now: () => new Date((t += 1000)) });
		expect(await store.members.save(A, ['2412.00001', '2412.00002'])).toEqual({ added: ['2412.00001', '2412.00002'], already: [], refused: [] });
		expect(await store.members.save(A, ['2412.00001', '2412.00003'])).toEqual({ added: ['2412.00003'], already: ['2412.00001'], refused: [] });
		const again = await open();
		expect((await again.members.saved(A)).map((p) => p.paperId)).toEqual(['2412.00003', '2412.00002', '2412.00001']);
	});

	it('a member’s saved papers and follows are theirs alone: another member neither sees nor removes them', async () => {
		const store = await open();
		await store.members.save(A, ['2412.00001']);
		await store.members.follow(A, 'Gaussian splatting', null);
		expect(await store.members.saved(B)).toEqual([]);
		expect(await store.members.follows(B)).toEqual([]);
		expect(await store.members.unsave(B, '2412.00001')).toBe(false);
		expect(await store.members.unfollow(B, 'gaussian splatting')).toBe(false);
		expect((await store.members.saved(A)).map((p) => p.paperId)).toEqual(['2412.00001']);
		expect((await store.members.follows(A)).map((f) => f.query)).toEqual(['Gaussian splatting']);
	});

	it('removes a saved paper, and says so only when it was there', async () => {
		const store = await open();
		await store.members.save(A, ['2412.00001', '2412.00002']);
		expect(await store.members.unsave(A, '2412.00001')).toBe(true);
		expect(await store.members.unsave(A, '2412.00001')).toBe(false);
		expect((await store.members.saved(A)).map((p) => p.paperId)).toEqual(['2412.00002']);
	});

	it('refuses papers past the cap and ids that are not arXiv ids', async () => {
		const store = await open();
		const ids = Array.from({ length: SAVED_MAX }, (_, i) => `2412.${String(i).padStart(5, '0')}`);
		expect((await store.members.save(A, ids)).added).toHaveLength(SAVED_MAX);
		expect(await store.members.save(A, ['2501.00001'])).toEqual({ added: [], already: [], refused: ['2501.00001'] });
		await expect(store.members.save(B, ['not-a-paper'])).rejects.toThrow();
		expect(await store.members.saved(B)).toEqual([]);
		await expect(store.members.saved('general')).rejects.toThrow(TypeError);
	});

	it('follows: one per query whatever its case and spacing, capped per member, removed by query', async () => {
		const store = await open();
		expect(await store.members.follow(A, 'Gaussian splatting', '2024-12-09')).toBe('added');
		expect(await store.members.follow(A, '  gaussian   SPLATTING ', '2024-12-10')).toBe('exists');
		expect(await store.members.follows(A)).toMatchObject([{ query: 'Gaussian splatting', startAfterDate: '2024-12-09' }]);
		for (let i = 1; i < FOLLOWS_MAX; i++) expect(await store.members.follow(A, `topic ${i}`, null)).toBe('added');
		expect(await store.members.follow(A, 'one too many', null)).toBe('full');
		expect(await store.members.follows(A)).toHaveLength(FOLLOWS_MAX);
		expect(await store.members.unfollow(A, 'GAUSSIAN splatting')).toBe(true);
		expect(await store.members.follows(A)).toHaveLength(FOLLOWS_MAX - 1);
		await expect(store.members.follow(A, '   ', null)).rejects.toThrow();
		await expect(store.members.follow(A, 'x'.repeat(101), null)).rejects.toThrow();
	});

	it('lists every follower, skipping a record whose user id disagrees with its key', async () => {
		const store = await open();
		await store.members.follow(A, 'diffusion', null);
		await store.members.follow(B, '확산 모델', null);
		await storeRecords(store).set(
			storeKeys.follows('500000000000000005'),
			envelope({ userId: A, follows: [{ query: 'stolen', createdAt: '2024-12-09T00:00:00.000Z', startAfterDate: null }] }),
		);
		const followers = await store.members.followers();
		expect(followers.map((f) => f.userId).sort()).toEqual([A, B]);
		expect(followers.find((f) => f.userId === B)?.follows.map((f) => f.query)).toEqual(['확산 모델']);
	});

	it('keeps one alert DM record per (member, digest) and lists them newest first', async () => {
		const store = await open();
		expect(await store.members.dm(A, '2024-12-09')).toBeNull();
		await store.members.setDm(dm(A, '2024-12-09', { state: 'pending', messageId: null }));
		expect(await store.members.dm(A, '2024-12-09')).toMatchObject({ state: 'pending' });
		await store.members.setDm(dm(A, '2024-12-09'));
		await store.members.setDm(dm(A, '2024-12-10'));
		expect(await store.members.dm(A, '2024-12-09')).toMatchObject({ state: 'sent', messageId: '77' });
		expect((await store.members.dms(A)).map((r) => r.date)).toEqual(['2024-12-10', '2024-12-09']);
		expect(await store.members.dms(B)).toEqual([]);
		await expect(store.members.setDm({ ...dm(A, '2024-12-11'), nonce: 'x'.repeat(26) })).rejects.toThrow();
	});

	it('keeps a member’s DM channel id', async () => {
		const store = await open();
		expect(await store.members.dmChannel(A)).toBeNull();
		await store.members.setDmChannel(A, '123456789012345678');
		expect(await (await open()).members.dmChannel(A)).toBe('123456789012345678');
		expect(await store.members.dmChannel(B)).toBeNull();
		await expect(store.members.setDmChannel(A, 'dm')).rejects.toThrow();
	});

	it('pauses and resumes a member’s alerts', async () => {
		const store = await open();
		const paused = { reason: 'Cannot send messages to this user', code: 50007, at: '2024-12-09T00:00:00.000Z' };
		await store.members.setDmPaused(A, paused);
		expect(await store.members.dmPaused(A)).toEqual(paused);
		expect(await store.members.dmPaused(B)).toBeNull();
		await store.members.setDmPaused(A, null);
		expect(await store.members.dmPaused(A)).toBeNull();
	});

	it('forget deletes every record about the member and nothing about anyone else', async () => {
		const store = await open();
		for (const u of [A, B]) {
			await store.members.save(u, ['2412.00001']);
			await store.members.follow(u, 'diffusion', null);
			await store.members.setDm(dm(u, '2024-12-09'));
			await store.members.setDmPaused(u, { reason: 'x', code: 50007, at: '2024-12-09T00:00:00.000Z' });
			await store.members.setDmChannel(u, '88');
		}
		expect(await store.members.forget(A)).toBe(5);
		const raw = storeRecords(store);
		for (const prefix of ['saved:', 'follows:', 'dm:', 'dmpause:', 'dmchannel:']) expect(await raw.keys(`${prefix}${A}`)).toEqual([]);
		expect(await store.members.dmChannel(A)).toBeNull();
		expect(await store.members.dmChannel(B)).toBe('88');
		expect(await store.members.saved(A)).toEqual([]);
		expect(await store.members.follows(A)).toEqual([]);
		expect(await store.members.dms(A)).toEqual([]);
		expect(await store.members.dmPaused(A)).toBeNull();
		expect(await store.members.saved(B)).toHaveLength(1);
		expect(await store.members.follows(B)).toHaveLength(1);
		expect(await store.members.dms(B)).toHaveLength(1);
		expect(await store.members.forget(A)).toBe(0);
	});

	it('a corrupt saved list reads as empty rather than failing the member’s command', async () => {
		const store = await open();
		await storeRecords(store).set(storeKeys.saved(A), '{"value":');
		expect(await store.members.saved(A)).toEqual([]);
	});
}

describe('members store (sqlite)', () => {
	membersContract(async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-members-'));
		const url = `sqlite://${join(dir, 'p.sqlite')}`;
		return { open: (opts) => openStore(url, opts), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
	});
});

describe('members store (sqlite) expiry', () => {
	it('sweepExpired deletes expired alert records from the file, and nothing a member keeps', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-members-'));
		const store = await openStore(`sqlite://${join(dir, 'p.sqlite')}`, { ledgerTtlMs: 1000 });
		try {
			await store.members.setDm(dm(A, '2024-12-09'));
			await store.members.save(A, ['2412.00001']);
			expect(await store.ledger.sweepExpired()).toBe(0);
			vi.useFakeTimers({ toFake: ['Date'] });
			try {
				vi.setSystemTime(Date.now() + 5000);
				expect(await store.ledger.sweepExpired()).toBe(1);
			} finally {
				vi.useRealTimers();
			}
			expect(await storeRecords(store).get(storeKeys.dm(A, '2024-12-09'))).toBeUndefined();
			expect(await store.members.saved(A)).toHaveLength(1);
		} finally {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe.skipIf(!redisAvailable)('members store (redis)', () => {
	membersContract(async () => {
		const namespace = uniqueRedisNamespace('members');
		return { open: (opts) => openStore(REDIS_URL, { ...opts, namespace }), dispose: async () => void (await cleanupRedisNamespace(namespace)) };
	});

	it('alert DM records expire server-side with the ledger ttl; saved papers do not', async () => {
		const namespace = uniqueRedisNamespace('members-ttl');
		const store = await openStore(REDIS_URL, { namespace, ledgerTtlMs: 60_000 });
		try {
			await store.members.setDm(dm(A, '2024-12-09'));
			const ttl = await redisPttl(namespace, storeKeys.dm(A, '2024-12-09'));
			expect(ttl).toBeGreaterThan(0);
			expect(ttl).toBeLessThanOrEqual(60_000);
			await store.members.save(A, ['2412.00001']);
			expect(await redisPttl(namespace, storeKeys.saved(A))).toBe(-1);
		} finally {
			await store.close();
			await cleanupRedisNamespace(namespace);
		}
	});
});
