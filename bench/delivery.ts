import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REST } from 'discord.js';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { Scheduler } from '../src/delivery/scheduler.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/store.ts';
import { EmulatorProcess } from '../emulator/process.ts';
import { papersFor, writeDigest } from '../test/helpers/digests.ts';
import { subscribe } from '../test/helpers/subscriptions.ts';

/** Discord's own limits: 50 requests/s per bot, 5 messages per 5 s per channel. */
const GLOBAL_PER_SECOND = 50;
const CHANNEL_LIMIT = { limit: 5, windowMs: 5000 };
const RESPONSE_DELAY_MS = [50, 150] as const;
const PAPERS = 15;
const CHANNELS_PER_GUILD = 100;

export interface FanOutRow {
	channels: number;
	requests: number;
	messages: number;
	messagesPerChannel: number;
	rateLimited: number;
	wallSeconds: number;
	boundSeconds: number;
	ratio: number;
}

export interface DeliveryBenchResult {
	scale: number;
	papers: number;
	rows: FanOutRow[];
}

interface Stats {
	requests: number;
	messagePosts: number;
	accepted: number;
	rateLimited: number;
	firstAt: number;
	lastAt: number;
}

/**
 * One 15-paper digest to N channels: the real Scheduler, SQLite ledger and discord.js REST in
 * this process, the emulator (enforcing the global and per-channel limits, with response
 * latency) in another. Limits and delays are scaled by `scale` on both sides so a run is short;
 * the ratio to the bound does not depend on it.
 */
async function fanOut(channels: number, scale: number): Promise<FanOutRow> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-fanout-'));
	const child = new EmulatorProcess();
	try {
		await child.alive;
		const guildSizes: number[] = [];
		for (let left = channels; left > 0; left -= CHANNELS_PER_GUILD) guildSizes.push(Math.min(CHANNELS_PER_GUILD, left));
		const started = await child.ask<{ token: string; apiBase: string; guilds: Array<{ id: string; channels: string[] }> }>(
			{
				type: 'start',
				guilds: guildSizes,
				options: {
					validate: false,
					rateLimits: {
						globalPerSecond: GLOBAL_PER_SECOND * scale,
						channelMessages: { limit: CHANNEL_LIMIT.limit, windowMs: CHANNEL_LIMIT.windowMs / scale },
					},
					responseDelayMs: [RESPONSE_DELAY_MS[0] / scale, RESPONSE_DELAY_MS[1] / scale],
				},
			},
			'started',
		);

		await mkdir(path.join(dir, 'digests'));
		const date = new Date().toISOString().slice(0, 10);
		await writeDigest(
			path.join(dir, 'digests'),
			date,
			papersFor(date, PAPERS).map((p) => ({
				...p,
				new: `${p.title}에서는 긴 문맥에서도 정확도를 유지하는 새로운 주의 메커니즘을 제안합니다. 기존 방법의 한계를 분석하고 이를 해결합니다.`,
				details: '모델은 두 단계로 학습됩니다: 먼저 대규모 말뭉치로 사전 학습하고, 이어 작업별 데이터로 미세 조정합니다. 계산량은 선형입니다.',
				highlights: '여섯 개 벤치마크에서 기존 최고 성능보다 평균 4.2% 향상되었고, 추론 속도는 두 배 빨라졌습니다.',
			})),
		);
		const archive = new Archive();
		await new ArchiveLoader({ dir: path.join(dir, 'digests'), archive }).loadAll();

		const store = await openStore(`sqlite://${path.join(dir, 'state.sqlite')}`);
		for (const g of started.guilds) for (const c of g.channels) await subscribe(store, g.id, c);
		const rest = new REST({ api: started.apiBase, globalRequestsPerSecond: GLOBAL_PER_SECOND * scale }).setToken(started.token);
		const guildIds = started.guilds.map((g) => g.id);
		const scheduler = new Scheduler({
			ledger: store.ledger,
			subscriptions: store.subscriptions,
			leases: store.leases,
			archive,
			rest,
			logger: silentLogger,
			now: () => new Date(),
			catchUpDays: 3,
			guildIds: () => guildIds,
			retryBaseMs: 200,
			...(process.env['FANOUT'] ? { fanOut: Number(process.env['FANOUT']) } : {}),
		});

		const t0 = Date.now();
		await scheduler.onDigestsChanged();
		// A run that ended in 'retry' finishes later from its timer: wait for the ledger, not the promise.
		let stats = await child.ask<Stats>({ type: 'stats' }, 'stats');
		const perChannel = Math.round(stats.accepted / channels) || 1;
		for (let i = 0; i < 600 && stats.accepted < perChannel * channels; i++) {
			await new Promise((r) => setTimeout(r, 100));
			stats = await child.ask<Stats>({ type: 'stats' }, 'stats');
		}
		await scheduler.idle();
		const wallSeconds = (Date.now() - t0) / 1000;
		if (process.env['BENCH_DEBUG']) process.stderr.write(`first request after ${stats.firstAt - t0} ms, last ${stats.lastAt - t0} ms\n`);
		await scheduler.stop();
		await store.close();
		const boundSeconds = stats.accepted / (GLOBAL_PER_SECOND * scale);
		return {
			channels,
			requests: stats.messagePosts,
			messages: stats.accepted,
			messagesPerChannel: stats.accepted / channels,
			rateLimited: stats.rateLimited,
			wallSeconds: round(wallSeconds),
			boundSeconds: round(boundSeconds),
			ratio: round(wallSeconds / boundSeconds),
		};
	} finally {
		await child.close();
		await rm(dir, { recursive: true, force: true });
	}
}

function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

export async function benchDelivery(opts: { channels?: number[]; scale?: number; log?: (line: string) => void } = {}): Promise<DeliveryBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const scale = opts.scale ?? Number(process.env['BENCH_SCALE'] ?? 4);
	const rows: FanOutRow[] = [];
	log(
		`delivery fan-out (${PAPERS}-paper digest; limits and delays scaled ${scale}×: ${GLOBAL_PER_SECOND * scale} req/s global, ${CHANNEL_LIMIT.limit}/${CHANNEL_LIMIT.windowMs / scale} ms per channel, ${RESPONSE_DELAY_MS[0] / scale}–${RESPONSE_DELAY_MS[1] / scale} ms latency)`,
	);
	log(
		`  ${'channels'.padStart(8)} ${'requests'.padStart(9)} ${'msg/ch'.padStart(6)} ${'429s'.padStart(5)} ${'wall s'.padStart(7)} ${'bound s'.padStart(7)} ${'ratio'.padStart(6)}`,
	);
	for (const n of opts.channels ?? [100, 1000, 5000]) {
		const r = await fanOut(n, scale);
		rows.push(r);
		log(
			`  ${String(r.channels).padStart(8)} ${String(r.requests).padStart(9)} ${String(r.messagesPerChannel).padStart(6)} ${String(r.rateLimited).padStart(5)} ${String(r.wallSeconds).padStart(7)} ${String(r.boundSeconds).padStart(7)} ${`${r.ratio}×`.padStart(6)}`,
		);
	}
	return { scale, papers: PAPERS, rows };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const channels = process.argv
		.slice(2)
		.map(Number)
		.filter((n) => n > 0);
	await benchDelivery(channels.length ? { channels } : {});
}
