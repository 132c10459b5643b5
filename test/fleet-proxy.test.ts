import { afterAll, describe, expect, it } from 'vitest';
import { runFleet, type FleetRunResult } from './helpers/fleet-run.ts';
import { killAll } from './helpers/process.ts';
import { REDIS_URL, redisAvailable } from './helpers/redis.ts';

/*
 * Discord's own numbers, unscaled: the emulator allows 50 requests a second for the whole bot, and
 * each process's limiter (REST_GLOBAL_PER_SECOND) allows the same, as discord.js's 50 matches
 * Discord's. 750 channels, one message each: a 15 s bound (requests ÷ 50/s), the shape of
 * 3,000 channels at 200/s, which two shared cores cannot drive without lagging the emulator.
 */
const CHANNELS = 750;
const GLOBAL = 50;
const PROCESSES = 3;

describe.skipIf(!redisAvailable)('one rate limiter for the fleet: three shard processes over one Redis', () => {
	afterAll(killAll);
	let viaProxy: FleetRunResult | undefined;

	it('through npm run proxy: one digest to every channel, every paper once, within 1.10× of the bound', async () => {
		viaProxy = await runFleet({ channels: CHANNELS, processes: PROCESSES, globalPerSecond: GLOBAL, proxy: true, redisUrl: REDIS_URL });
		const r = viaProxy;
		console.info(`[fleet-proxy] through the proxy: ${JSON.stringify(r)}`);
		expect(r.channels).toBe(CHANNELS);
		expect(r.wrongChannels, `${r.wrongChannels.length} channels without the digest exactly once`).toEqual([]);
		// All three shards took part, and each channel was delivered by one of them once.
		expect(r.deliveredBy.every((n) => n > 0)).toBe(true);
		expect(r.deliveredBy.reduce((a, b) => a + b, 0)).toBe(CHANNELS);
		expect(r.requests).toBeGreaterThanOrEqual(CHANNELS);
		expect(r.wallSeconds).toBeLessThanOrEqual(1.1 * r.boundSeconds);
	}, 120_000);

	it('without the proxy the same fleet meets many more global 429s: each process’s limiter knows only its own requests', async () => {
		const r = await runFleet({ channels: CHANNELS, processes: PROCESSES, globalPerSecond: GLOBAL, proxy: false, redisUrl: REDIS_URL });
		console.info(`[fleet-proxy] each process on its own: ${JSON.stringify(r)}`);
		expect(r.wrongChannels, `${r.wrongChannels.length} channels without the digest exactly once`).toEqual([]);
		expect(r.global429).toBeGreaterThan(CHANNELS / 10);
		// Through the proxy a window's first request arriving late can still cost one 429 (and the
		// retries after it); each process on its own pays for every window.
		expect(viaProxy, 'the run through the proxy').toBeDefined();
		expect(r.global429).toBeGreaterThan(5 * (viaProxy?.global429 ?? Infinity));
	}, 120_000);
});
