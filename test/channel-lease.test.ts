import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { channelLockKey, takeChannelLease } from '../src/delivery/channel-lease.ts';
import { silentLogger } from '../src/log.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { subscribe } from './helpers/subscriptions.ts';

/** One storage location that several store instances ("processes") open. */
interface Location {
	url: string;
	namespace?: string;
	dispose(): Promise<void>;
}

async function sqliteLocation(): Promise<Location> {
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-channel-lease-'));
	return { url: `sqlite://${join(dir, 'state.sqlite')}`, dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function redisLocation(): Promise<Location> {
	const namespace = uniqueRedisNamespace('channel-lease');
	return { url: REDIS_URL, namespace, dispose: async () => void (await cleanupRedisNamespace(namespace)) };
}

const today = new Date().toISOString().slice(0, 10);
const logsOf = (h: Harness) => h.logs.map((l) => JSON.parse(l) as { msg?: string; channel?: string });

function channelLeaseContract(makeLocation: () => Promise<Location>) {
	let location: Location | undefined;
	const stores: Store[] = [];
	let h: Harness | undefined;
	const open = async () => {
		location ??= await makeLocation();
		const store = await openStore(location.url, location.namespace ? { namespace: location.namespace } : {});
		stores.push(store);
		return store;
	};
	afterEach(async () => {
		await h?.stop();
		h = undefined;
		for (const s of stores.splice(0)) await s.close();
		await location?.dispose();
		location = undefined;
	});

	/** The bot on its own store instance, with one subscribed channel and today's digest in its folder. */
	async function botWithChannel(opts: { papers: number; store?: (s: Store) => Store; responseDelayMs?: readonly [number, number]; leaseMs?: number }) {
		const own = await open();
		let guild = { id: '', channels: [] as string[] };
		h = await startHarness({
			store: opts.store ? opts.store(own) : own,
			// Discord's nonce memory off: only the lease can keep a channel from getting a paper twice.
			emulator: { nonceWindowMs: 0, ...(opts.responseDelayMs ? { responseDelayMs: opts.responseDelayMs } : {}) },
			bot: { settleMs: 0, scheduler: { channelLeaseMs: opts.leaseMs ?? 30_000, leaseRetryMs: 100 } },
			setup: async (emu, dir) => {
				guild = emu.addGuild({ channels: 1 });
				await writeDigest(join(dir, 'digests'), today, papersFor(today, opts.papers));
			},
		});
		const [channel] = guild.channels as [string];
		const sub = await subscribe(own, guild.id, channel);
		return { harness: h, own, guildId: guild.id, channel, sub, papers: papersFor(today, opts.papers).map((p) => p.id) };
	}

	it('renew extends only the holder’s unexpired lease; a lost lease renews and releases nothing', async () => {
		const a = await open();
		const b = await open();
		expect(await a.leases.tryLock('deliver:1', 150)).toBe(true);
		expect(await a.leases.renew('deliver:1', 30_000)).toBe(true);
		expect(await b.leases.renew('deliver:1', 30_000)).toBe(false); // never held it
		const renewedAt = Date.now();
		await until(() => Date.now() - renewedAt > 300, 2000, 'the first ttl to pass');
		expect(await b.leases.tryLock('deliver:1', 30_000)).toBe(false); // still held: the renewal counted

		expect(await a.leases.tryLock('deliver:2', 20)).toBe(true);
		await until(() => b.leases.tryLock('deliver:2', 30_000), 5000, 'the 20 ms lease to expire');
		expect(await a.leases.renew('deliver:2', 30_000)).toBe(false);
		await a.leases.unlock('deliver:2');
		expect(await a.leases.tryLock('deliver:2', 30_000)).toBe(false); // b's lease survived a's renew and unlock
	});

	it('takeChannelLease gives null while another instance holds the channel, and is lost once a renewal is refused', async () => {
		const a = await open();
		const b = await open();
		const held = await takeChannelLease(a.leases, '42', { ttlMs: 600, logger: silentLogger });
		expect(held).not.toBeNull();
		expect(await takeChannelLease(b.leases, '42', { ttlMs: 600, logger: silentLogger })).toBeNull();
		// Renewed every 200 ms: it outlives its first ttl while the holder runs.
		const takenAt = Date.now();
		await until(() => Date.now() - takenAt > 1500, 3000, 'two ttls to pass');
		expect(held?.lost()).toBe(false);
		expect(await takeChannelLease(b.leases, '42', { ttlMs: 600, logger: silentLogger })).toBeNull();
		await held?.release();
		const next = await takeChannelLease(b.leases, '42', { ttlMs: 600, logger: silentLogger });
		expect(next).not.toBeNull();
		await next?.release();

		// A refused renewal (the lease was taken over) makes it lost at once.
		const refused = await takeChannelLease({ ...a.leases, renew: async () => false }, '43', { ttlMs: 60, logger: silentLogger });
		await until(() => refused?.lost() === true, 2000, 'the refused renewal to be noticed');
		await refused?.release();
	});

	it('skips a channel whose lease another process holds, records nothing, and delivers once it is released', async () => {
		const other = await open();
		const { harness, own, guildId, channel, sub, papers } = await botWithChannel({ papers: 3 });
		expect(await other.leases.tryLock(channelLockKey(channel), 30_000)).toBe(true);

		expect(await harness.bot.ctx.scheduler.upsert(sub)).toBeNull();
		expect(harness.emu.messages(channel)).toHaveLength(0);
		expect(await own.ledger.sent(channel, today)).toEqual(new Map());
		expect((await own.subscriptions.get(guildId, channel))?.lastDeliveredDate).toBeNull();
		expect(logsOf(harness).some((l) => l.msg === 'channel is being delivered by another process; skipped this round' && l.channel === channel)).toBe(true);
		expect(harness.bot.ctx.scheduler.depth()).toBe(1); // the retry is waiting

		await other.leases.unlock(channelLockKey(channel));
		await until(() => receivedIds(harness.emu, channel).length >= papers.length, 10_000, 'the retry to deliver');
		await harness.bot.ctx.scheduler.idle();
		expect(receivedIds(harness.emu, channel)).toEqual(papers);
		expect((await own.subscriptions.get(guildId, channel))?.lastDeliveredDate).toBe(today);
	});

	it('retries later when the store cannot be asked for the lease, and sends nothing meanwhile', async () => {
		let down = true;
		const { harness, channel, sub, papers } = await botWithChannel({
			papers: 3,
			store: (s) => ({
				...s,
				leases: {
					...s.leases,
					tryLock: async (key, ttl) => {
						if (down) throw new Error('connection lost');
						return s.leases.tryLock(key, ttl);
					},
				},
			}),
		});
		expect(await harness.bot.ctx.scheduler.upsert(sub)).toBeNull();
		expect(harness.emu.messages(channel)).toHaveLength(0);
		expect(logsOf(harness).some((l) => l.msg === 'delivery run failed; will retry' && l.channel === channel)).toBe(true);
		down = false;
		// The harness's retry backoff is the production one (15 s): the next wake-up, a sweep or a new digest, delivers.
		await harness.bot.ctx.scheduler.sweep();
		await harness.bot.ctx.scheduler.idle();
		expect(receivedIds(harness.emu, channel)).toEqual(papers);
	});

	it('takes over the channel once the lease of a process that died mid-run expires', async () => {
		const other = await open();
		const { harness, channel, sub, papers } = await botWithChannel({ papers: 3 });
		// As a process killed mid-run leaves it: held, never renewed, never released.
		expect(await other.leases.tryLock(channelLockKey(channel), 400)).toBe(true);
		expect(await harness.bot.ctx.scheduler.upsert(sub)).toBeNull();
		await until(() => receivedIds(harness.emu, channel).length >= papers.length, 10_000, 'the retry after expiry to deliver');
		await harness.bot.ctx.scheduler.idle();
		expect(receivedIds(harness.emu, channel)).toEqual(papers);
		expect(await other.leases.tryLock(channelLockKey(channel), 30_000)).toBe(true); // released after the run
	});

	it('stops before its next message once its lease may have expired, and finishes when it has it again', async () => {
		let partitioned = false;
		const other = await open();
		const { harness, channel, sub, papers } = await botWithChannel({
			papers: 40,
			leaseMs: 600,
			responseDelayMs: [250, 300],
			// Renewals fail as if the store were unreachable for the lease alone; the rest of the store works.
			store: (s) => ({
				...s,
				leases: {
					...s.leases,
					renew: async (key, ttl) => {
						if (partitioned) throw new Error('connection lost');
						return s.leases.renew(key, ttl);
					},
				},
			}),
		});
		void harness.bot.ctx.scheduler.upsert(sub);
		await until(() => harness.emu.messages(channel).length >= 1, 10_000, 'the first message');
		partitioned = true;
		await until(() => other.leases.tryLock(channelLockKey(channel), 30_000), 10_000, 'the unrenewed lease to expire');
		await until(() => logsOf(harness).some((l) => l.msg === 'channel lease lost mid-run; stopped before the next message'), 10_000, 'the run to stop');
		// The stop is logged once the run returned: nothing more is sent while the other holds the channel.
		const atStop = harness.emu.messages(channel).length;
		const skipped = () => logsOf(harness).filter((l) => l.msg === 'channel is being delivered by another process; skipped this round').length;
		await until(() => skipped() >= 2, 10_000, 'retries to find the channel held');
		expect(receivedIds(harness.emu, channel).length).toBeLessThan(papers.length);
		expect(harness.emu.messages(channel)).toHaveLength(atStop);

		partitioned = false;
		await other.leases.unlock(channelLockKey(channel));
		await until(() => receivedIds(harness.emu, channel).length >= papers.length, 20_000, 'the retry to finish the digest');
		await harness.bot.ctx.scheduler.idle();
		expect(receivedIds(harness.emu, channel)).toEqual(papers);
	});
}

describe('channel delivery lease on SQLite (two instances on one file)', () => channelLeaseContract(sqliteLocation));
describe.skipIf(!redisAvailable)('channel delivery lease on Redis (two instances on one namespace)', () => channelLeaseContract(redisLocation));

describe('DELIVERY_LEASE_SECONDS', () => {
	it('defaults to 30 s and refuses a lease under 2 s or not in whole seconds', () => {
		expect(loadConfig({}).DELIVERY_LEASE_SECONDS).toBe(30);
		expect(loadConfig({ DELIVERY_LEASE_SECONDS: '5' }).DELIVERY_LEASE_SECONDS).toBe(5);
		for (const bad of ['1', '0', '2.5', 'soon', '601']) expect(() => loadConfig({ DELIVERY_LEASE_SECONDS: bad }), bad).toThrow(ConfigError);
	});
});
