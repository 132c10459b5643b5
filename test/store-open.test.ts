import { describe, expect, it, vi } from 'vitest';
import { describeRedisUrl, sqlitePath } from '../src/store/backend.ts';
import { DEFAULT_LEDGER_TTL_MS, ledgerTtlMsFor, openStore, StoreConnectError } from '../src/store/store.ts';
import { storeRecords } from './helpers/store-records.ts';

describe('openStore', () => {
	it('rejects an unreachable Redis with a clear error instead of retrying forever', async () => {
		const error = await openStore('redis://127.0.0.1:1', { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StoreConnectError);
		expect((error as Error).message).toMatch(/^cannot connect to Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/);
	});

	it('never puts the Redis password in the connection error', async () => {
		const error = await openStore('redis://bot:hunter2-very-secret@127.0.0.1:1').catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/127\.0\.0\.1:1/);
		expect((error as Error).message).not.toContain('hunter2');
		expect(describeRedisUrl('rediss://:pw@cache.internal/0')).toBe('cache.internal:6379');
	});

	it('rejects a URL that is neither sqlite:// nor redis://', async () => {
		await expect(openStore('postgres://localhost/db')).rejects.toThrow(/sqlite:\/\/ or redis:\/\//);
		expect(() => sqlitePath('sqlite://')).toThrow(/file path/);
	});

	it('reads relative and absolute SQLite paths from the URL', () => {
		expect(sqlitePath('sqlite://./var/paperboy.sqlite')).toBe('./var/paperboy.sqlite');
		expect(sqlitePath('sqlite:///srv/paperboy.sqlite')).toBe('/srv/paperboy.sqlite');
	});

	it('rejects a namespace that could collide with store keys', async () => {
		await expect(openStore('sqlite://:memory:', { namespace: 'sub' })).rejects.toThrow(/namespace/);
		await expect(openStore('sqlite://:memory:', { namespace: 'a:b' })).rejects.toThrow(/namespace/);
	});

	it('opens one new SQLite file from several processes at once (a fleet starting together)', async () => {
		const { mkdtemp, rm } = await import('node:fs/promises');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const dir = await mkdtemp(join(tmpdir(), 'paperboy-open-'));
		try {
			// Each round is a fresh file: only its creation races. Without the wait, about one round in seventy failed.
			for (let round = 0; round < 60; round++) {
				const url = `sqlite://${join(dir, `s${round}.sqlite`)}`;
				const opened = await Promise.allSettled([openStore(url), openStore(url), openStore(url), openStore(url)]);
				const failed = opened.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
				for (const r of opened) if (r.status === 'fulfilled') await r.value.close();
				expect(failed).toEqual([]);
			}
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}, 60_000);

	it('opens an in-memory SQLite store', async () => {
		const store = await openStore('sqlite://:memory:');
		expect(storeRecords(store).kind).toBe('sqlite');
		expect(await store.subscriptions.listAll()).toEqual([]);
		await store.close();
		await store.close(); // idempotent
	});

	it('keeps the ledger longer than the catch-up window, and never shorter than the default', async () => {
		const DAY = 24 * 60 * 60 * 1000;
		expect(ledgerTtlMsFor(3)).toBe(DEFAULT_LEDGER_TTL_MS);
		expect(ledgerTtlMsFor(365)).toBeGreaterThan(365 * DAY);
		const store = await openStore('sqlite://:memory:', { ledgerTtlMs: ledgerTtlMsFor(365) });
		try {
			await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: [] });
			vi.useFakeTimers({ toFake: ['Date'] });
			vi.setSystemTime(Date.now() + 366 * DAY); // the digest is still inside a 365-day catch-up window
			expect([...(await store.ledger.sent('11', '2024-12-09')).keys()]).toEqual(['m0']);
		} finally {
			vi.useRealTimers();
			await store.close();
		}
	});
});
