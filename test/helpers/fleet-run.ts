import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.ts';
import type { EmulatorOptions, RequestRecord } from '../../emulator/index.ts';
import { EmulatorProcess } from '../../emulator/process.ts';
import { papersFor, writeDigest } from './digests.ts';
import { spawnBot, type BotProcess } from './process.ts';
import { until } from './received.ts';
import { cleanupRedisNamespace, uniqueRedisNamespace } from './redis.ts';
import { subscribe } from './subscriptions.ts';

/**
 * One digest to many channels from several shard processes over one Redis, against the emulator
 * with its global limit on: either each process sending on its own, or all of them through one
 * `npm run proxy`. Shared by test/fleet-proxy.test.ts and the bench.
 */
export interface FleetRunOptions {
	channels: number;
	processes: number;
	/** The emulator's global limit, and every limiter's (REST_GLOBAL_PER_SECOND). */
	globalPerSecond: number;
	proxy: boolean;
	redisUrl: string;
	/** 3 papers: one message per channel. */
	papers?: number;
	responseDelayMs?: readonly [number, number];
}

export interface FleetRunResult {
	channels: number;
	processes: number;
	proxy: boolean;
	/** Requests the emulator's global limit counted from the first message to the last. */
	requests: number;
	global429: number;
	/** Channels whose papers are not the digest's, each once, in order. */
	wrongChannels: string[];
	/** First message post to the last accepted one. */
	wallSeconds: number;
	/** From writing the digest file (its settle time and the scan included). */
	sinceWriteSeconds: number;
	boundSeconds: number;
	ratio: number;
	/** 'digest delivered' lines, per process. */
	deliveredBy: number[];
}

const CHANNELS_PER_GUILD = 10;
const MESSAGE_POST = /^\/channels\/\d+\/messages$/;

type Logged = Pick<RequestRecord, 'method' | 'path' | 'status' | 'time' | 'window' | 'fault'> & { embeds: number };

/** The emulator answers a channel bucket's 429 with its window index and a global one without (no response headers are recorded). */
export const isGlobal429 = (r: Pick<RequestRecord, 'status' | 'window' | 'fault'>): boolean => r.status === 429 && r.window === undefined && !r.fault;

const round = (n: number) => Math.round(n * 100) / 100;

/** The emulator process plus the request log it has sent so far. */
class LoggedEmulator extends EmulatorProcess {
	readonly log: Logged[] = [];

	/** Appends what the emulator logged since the last call. */
	async sync(): Promise<Logged[]> {
		const { requests } = await this.ask<{ requests: Logged[] }>({ type: 'requests', from: this.log.length });
		this.log.push(...requests);
		return requests;
	}
}

export async function runFleet(opts: FleetRunOptions): Promise<FleetRunResult> {
	const G = opts.globalPerSecond;
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-fleet-proxy-'));
	await mkdir(join(dir, 'digests'));
	const emu = new LoggedEmulator();
	const namespace = uniqueRedisNamespace(opts.proxy ? 'fleet-proxy' : 'fleet-direct');
	const procs: BotProcess[] = [];
	try {
		await emu.alive;
		const sizes = Array.from({ length: Math.ceil(opts.channels / CHANNELS_PER_GUILD) }, (_, i) =>
			Math.min(CHANNELS_PER_GUILD, opts.channels - i * CHANNELS_PER_GUILD),
		);
		const options: EmulatorOptions = {
			shardCount: opts.processes,
			validate: false, // thousands of bodies: the emulator's CPU would be what is measured
			responseDelayMs: opts.responseDelayMs ?? [40, 120],
			rateLimits: { globalPerSecond: G },
		};
		const started = await emu.ask<{ token: string; apiBase: string; guilds: Array<{ id: string; channels: string[] }> }>(
			{
				type: 'start',
				options,
				guilds: sizes,
			},
			'started',
		);
		const { guilds, token } = started;
		const channels = guilds.flatMap((g) => g.channels);
		const store = await openStore(opts.redisUrl, { namespace });
		for (let i = 0; i < guilds.length; i += 50) await Promise.all(guilds.slice(i, i + 50).flatMap((g) => g.channels.map((c) => subscribe(store, g.id, c))));
		await store.close();

		let apiBase = started.apiBase;
		const limit = { REST_GLOBAL_PER_SECOND: String(G) };
		if (opts.proxy) {
			const proxy = spawnBot('src/proxy.ts', { ...limit, PROXY_PORT: '0', PROXY_UPSTREAM: started.apiBase });
			procs.push(proxy);
			const listening = await proxy.waitForLog((l) => l.msg === 'REST proxy listening', 30_000);
			apiBase = `http://127.0.0.1:${String(listening['port'])}/api`;
		}
		const bots = Array.from({ length: opts.processes }, (_, id) =>
			spawnBot('src/main.ts', {
				...limit,
				DISCORD_TOKEN: token,
				DISCORD_API_BASE: apiBase,
				DIGEST_DIR: join(dir, 'digests'),
				// Each process of the fleet owns its archive index, as each machine's would.
				ARCHIVE_INDEX: join(dir, `archive-${id}.sqlite`),
				STORE_URL: opts.redisUrl,
				STORE_NAMESPACE: namespace,
				SCAN_INTERVAL_SECONDS: '1',
				SHARD_IDS: String(id),
				SHARD_COUNT: String(opts.processes),
			}),
		);
		procs.push(...bots);
		await Promise.all(bots.map((p) => p.waitForLog((l) => l.msg === 'ready', 60_000)));

		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, opts.papers ?? 3);
		await emu.sync();
		const mark = emu.log.length;
		const written = Date.now();
		await writeDigest(join(dir, 'digests'), today, papers);
		const embeds = new Map<string, number>();
		let complete = 0;
		await until(
			async () => {
				for (const r of await emu.sync()) {
					if (r.method !== 'POST' || !MESSAGE_POST.test(r.path) || r.status !== 200) continue;
					const channel = r.path.split('/')[2] ?? '';
					const before = embeds.get(channel) ?? 0;
					embeds.set(channel, before + r.embeds);
					if (before < papers.length && before + r.embeds >= papers.length) complete++;
				}
				return complete >= channels.length;
			},
			180_000,
			'every channel to get the digest',
		);
		const done = Date.now();
		await Promise.all(bots.map((p) => p.kill('SIGTERM'))); // stopped: what the channels hold is final
		await emu.sync();

		const run = emu.log.slice(mark);
		const posts = run.filter((r) => r.method === 'POST' && MESSAGE_POST.test(r.path));
		const first = Math.min(...posts.map((r) => r.time));
		const last = Math.max(...posts.filter((r) => r.status === 200).map((r) => r.time));
		const requests = run.filter((r) => r.time >= first && r.time <= last && !isGlobal429(r)).length;
		const wallSeconds = (last - first) / 1000;
		const boundSeconds = requests / G;
		const ids = papers.map((p) => p.id).join(',');
		const received = await emu.ask<{ ids: string[][] }>({ type: 'received', channels });
		return {
			channels: channels.length,
			processes: opts.processes,
			proxy: opts.proxy,
			requests,
			global429: emu.log.filter(isGlobal429).length,
			wrongChannels: channels.filter((_, i) => received.ids[i]?.join(',') !== ids),
			wallSeconds: round(wallSeconds),
			sinceWriteSeconds: round((done - written) / 1000),
			boundSeconds: round(boundSeconds),
			ratio: round(wallSeconds / boundSeconds),
			deliveredBy: bots.map((p) => p.logs.filter((l) => l.msg === 'digest delivered').length),
		};
	} finally {
		for (const p of procs) await p.kill('SIGKILL');
		emu.stop();
		await cleanupRedisNamespace(namespace);
		await rm(dir, { recursive: true, force: true });
	}
}
