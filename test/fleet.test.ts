import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleFleetJobs, storeRunCoordinator } from '../src/delivery/fleet.ts';
import { silentLogger } from '../src/log.ts';
import { openStore, type Leases, type Store } from '../src/store/store.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { until } from './helpers/received.ts';

/** A store whose lease attempts are recorded: which fire key each instance tried, and whether it won. */
function recordingLeases(store: Leases, who: string, leases: Array<{ who: string; key: string; won: boolean }>): Leases {
	return new Proxy(store, {
		get(target, prop) {
			if (prop === 'tryLock')
				return async (key: string, ttlMs: number) => {
					const won = await target.tryLock(key, ttlMs);
					leases.push({ who, key, won });
					return won;
				};
			const value: unknown = Reflect.get(target, prop, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

/** Two "processes" (independent store instances) on one location. */
type Pair = { a: Store; b: Store; dispose(): Promise<void> };

async function redisPair(): Promise<Pair> {
	const namespace = uniqueRedisNamespace('fleet');
	const a = await openStore(REDIS_URL, { namespace });
	const b = await openStore(REDIS_URL, { namespace });
	return {
		a,
		b,
		async dispose() {
			await a.close();
			await b.close();
			await cleanupRedisNamespace(namespace);
		},
	};
}

async function sqlitePair(): Promise<Pair> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-fleet-'));
	const url = `sqlite://${join(dir, 'state.sqlite')}`;
	const a = await openStore(url);
	const b = await openStore(url);
	return {
		a,
		b,
		async dispose() {
			await a.close();
			await b.close();
			await rm(dir, { recursive: true, force: true });
		},
	};
}

function coordinatorContract(makePair: () => Promise<Pair>) {
	const pairs: Pair[] = [];
	const pair = async () => {
		const p = await makePair();
		pairs.push(p);
		return p;
	};
	afterAll(async () => {
		for (const p of pairs) await p.dispose();
	});

	it('elects exactly one of two coordinators for the same fire, and each fire anew', async () => {
		const { a, b } = await pair();
		const ca = storeRunCoordinator(a.leases);
		const cb = storeRunCoordinator(b.leases);
		const first = await Promise.all([ca.shouldRun('job:2026-03-10T04:17:00.000Z', 1000), cb.shouldRun('job:2026-03-10T04:17:00.000Z', 1000)]);
		expect(first.filter(Boolean)).toHaveLength(1);
		// The winner's completion does not free the fire for a peer that fires late.
		await ca.onComplete?.('job:2026-03-10T04:17:00.000Z');
		expect(await cb.shouldRun('job:2026-03-10T04:17:00.000Z', 1000)).toBe(false);
		const next = await Promise.all([cb.shouldRun('job:2026-03-11T04:17:00.000Z', 1000), ca.shouldRun('job:2026-03-11T04:17:00.000Z', 1000)]);
		expect(next.filter(Boolean)).toHaveLength(1);
	});

	it('runs each fire of a distributed node-cron task in only one of two instances', async () => {
		const { a, b } = await pair();
		const runs: Array<{ who: string; slot: string }> = [];
		const tasks = (
			[
				['a', a],
				['b', b],
			] as const
		).map(([who, store]) =>
			cron.schedule('* * * * * *', (ctx) => void runs.push({ who, slot: ctx.date.toISOString() }), {
				name: 'fleet-test',
				distributed: true,
				runCoordinator: storeRunCoordinator(store.leases),
			}),
		);
		// A condition, not a fixed sleep: a loaded machine may take longer than three seconds for three fires.
		try {
			await until(() => runs.length >= 3, 20_000, 'three fires of the every-second task');
		} finally {
			for (const t of tasks) await t.destroy();
		}
		const slots = runs.map((r) => r.slot);
		expect(slots.length).toBeGreaterThanOrEqual(3);
		expect(new Set(slots).size).toBe(slots.length);
	});

	it('sweeps the ledger once per fire across two bots', async () => {
		const { a, b } = await pair();
		const swept: string[] = [];
		const leases: Array<{ who: string; key: string; won: boolean }> = [];
		const jobs = [
			scheduleFleetJobs({
				leases: recordingLeases(a.leases, 'a', leases),
				ledger: a.ledger,
				logger: silentLogger,
				sweepPattern: '* * * * * *',
				onSweep: () => swept.push('a'),
			}),
			scheduleFleetJobs({
				leases: recordingLeases(b.leases, 'b', leases),
				ledger: b.ledger,
				logger: silentLogger,
				sweepPattern: '* * * * * *',
				onSweep: () => swept.push('b'),
			}),
		];
		try {
			await until(() => swept.length >= 2 && new Set(leases.map((l) => l.who)).size === 2, 20_000, 'two sweeps, with both processes competing');
		} finally {
			for (const j of jobs) await j.stop();
		}
		const fires = await Promise.all(jobs.map((j) => j.tasks[0]?.getStatus()));
		expect(fires).toEqual(['destroyed', 'destroyed']);
		// Every fire has at most one winner, and each won fire sweeps exactly once (a sweep elected just
		// before stop() may still be finishing: wait for it rather than for a wall-clock window).
		const won = leases.filter((l) => l.won).map((l) => l.key);
		expect(new Set(won).size).toBe(won.length);
		expect(won.every((k) => k.startsWith('cron:'))).toBe(true);
		await until(() => swept.length >= won.length, 5000, 'every elected sweep to finish');
		expect(swept).toHaveLength(won.length);
		// Both processes competed for the fires: the test would pass vacuously with one.
		expect(new Set(leases.map((l) => l.who))).toEqual(new Set(['a', 'b']));
	});
}

describe('fleet coordination (store leases for node-cron)', () => {
	describe('over SQLite shared by processes on one machine', () => coordinatorContract(sqlitePair));
	describe.skipIf(!redisAvailable)('over Redis', () => coordinatorContract(redisPair));
});
