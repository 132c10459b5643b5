import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REST } from 'discord.js';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { digestText, planAlerts } from '../src/delivery/alert-plan.ts';
import { ALERTS_PER_SECOND, MemberAlerts } from '../src/delivery/alerts.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/store.ts';
import { EmulatorProcess } from '../emulator/process.ts';
import { writeDigest } from '../test/helpers/digests.ts';

/** Discord's global limit: 50 requests/s per bot. */
const GLOBAL_PER_SECOND = 50;
const RESPONSE_DELAY_MS = [50, 150] as const;
const FOLLOWS = 5000;
const FOLLOWS_PER_MEMBER = 2;
const PAPERS = 30;
// Words the digest's titles are made of, and as many that no paper holds: about half the follows match.
const TOPICS =
	'diffusion splatting transformer agent robot speech vision retrieval reasoning video audio graph protein molecule quantum tabular planning reward distillation pruning'.split(
		' ',
	);
const ABSENT =
	'zebra glacier violin cactus harbor lantern meadow nebula orchid pebble quartz saffron tundra walrus yodel zephyr amber basalt cobalt dune'.split(' ');

export interface AlertsBenchRow {
	pacing: string;
	perSecond: number;
	dms: number;
	requests: number;
	wallSeconds: number;
	/** Requests ÷ Discord's global rate (scaled). */
	boundSeconds: number;
	ratio: number;
}

export interface AlertsBenchResult {
	scale: number;
	follows: number;
	members: number;
	papers: number;
	/** Matching every follow against the digest, in memory (ms, median of 5). */
	matchMs: number;
	/** The same plus reading every follow from SQLite (ms). */
	matchWithStoreMs: number;
	rows: AlertsBenchRow[];
}

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), s | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface RunRow extends AlertsBenchRow {
	matchMs: number;
}

function digestPapers(date: string, seed: number) {
	const random = rng(seed);
	return Array.from({ length: PAPERS }, (_, i) => {
		const words = [0, 1].map(() => TOPICS[Math.floor(random() * TOPICS.length)]);
		return {
			id: `${date.slice(2, 4)}${date.slice(5, 7)}.${date.slice(8, 10)}${String(i).padStart(3, '0')}`,
			title: `Scaling ${words.join(' and ')} models, part ${i + 1}`,
			votes: PAPERS - i,
		};
	});
}

/** One pacing: the first digest (every member's DM channel opened), then the next (the channels known). */
async function sendRuns(dir: string, dates: [string, string], scale: number, perSecond: number, pacing: string): Promise<RunRow[]> {
	const child = new EmulatorProcess();
	const digests = path.join(dir, `digests-${pacing}`);
	try {
		await child.alive;
		const started = await child.ask<{ token: string; apiBase: string }>(
			{
				type: 'start',
				guilds: [],
				options: {
					validate: false,
					rateLimits: { globalPerSecond: GLOBAL_PER_SECOND * scale },
					responseDelayMs: [RESPONSE_DELAY_MS[0] / scale, RESPONSE_DELAY_MS[1] / scale],
				},
			},
			'started',
		);
		const store = await openStore(`sqlite://${path.join(dir, 'state.sqlite')}`, { namespace: `bench-${pacing}` });
		const random = rng(7);
		for (let m = 0; m < FOLLOWS / FOLLOWS_PER_MEMBER; m++) {
			const userId = String(400000000000000000n + BigInt(m));
			for (let f = 0; f < FOLLOWS_PER_MEMBER; f++) {
				const pool = random() < 0.3 ? TOPICS : ABSENT;
				// The second follow of a member is two words, so it is never the same as the first.
				const word = pool[Math.floor(random() * pool.length)] ?? 'x';
				await store.members.follow(userId, f === 0 ? word : `${word} models`, null);
			}
		}
		const rest = new REST({ api: started.apiBase, globalRequestsPerSecond: GLOBAL_PER_SECOND * scale }).setToken(started.token);
		const rows: RunRow[] = [];
		let before = { requests: 0, accepted: 0 };
		for (const [i, date] of dates.entries()) {
			await writeDigest(digests, date, digestPapers(date, 11 + i));
			const archive = new Archive();
			await new ArchiveLoader({ dir: digests, archive }).loadAll();
			// A new sender each time: what it knows of DM channels comes from the store, as after a restart.
			const alerts = new MemberAlerts({
				members: store.members,
				leases: store.leases,
				archive,
				rest,
				logger: silentLogger,
				now: () => new Date(),
				channelsIdle: async () => {},
				perSecond,
			});
			const t0 = performance.now();
			const run = await alerts.run();
			const wallSeconds = (performance.now() - t0) / 1000;
			if (run.sent !== run.planned) throw new Error(`sent ${run.sent} of ${run.planned} DMs`);
			const stats = await child.ask<{ requests: number; accepted: number }>({ type: 'stats' }, 'stats');
			const requests = stats.requests - before.requests;
			const boundSeconds = requests / (GLOBAL_PER_SECOND * scale);
			rows.push({
				pacing: `${pacing}, ${i === 0 ? 'first digest' : 'next digest'}`,
				perSecond,
				dms: stats.accepted - before.accepted,
				requests,
				wallSeconds: round(wallSeconds),
				boundSeconds: round(boundSeconds),
				ratio: round(wallSeconds / boundSeconds),
				matchMs: run.matchMs,
			});
			before = stats;
		}
		await store.close();
		return rows;
	} finally {
		await child.close();
	}
}

/**
 * 5,000 follows (2,500 members, two each) against one new 30-paper digest: the time to match
 * them, then the real MemberAlerts sending the DMs through discord.js REST to the emulator in
 * its own process (global limit and latency scaled by `scale`). Once at the alerts' own pacing
 * (20 of Discord's 50 requests a second, leaving the rest to channels) and once unpaced, to
 * show what the sender itself costs; the ratio is to the bound of requests ÷ 50 a second.
 */
export async function benchAlerts(opts: { scale?: number; log?: (line: string) => void } = {}): Promise<AlertsBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const scale = opts.scale ?? Number(process.env['BENCH_SCALE'] ?? 4);
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-alerts-'));
	try {
		const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
		const dates: [string, string] = [day(1), day(0)];
		const paced = await sendRuns(dir, dates, scale, ALERTS_PER_SECOND * scale, 'paced');
		const unpaced = await sendRuns(dir, dates, scale, 10_000, 'unpaced');
		const date = dates[1];
		const archive = new Archive();
		await new ArchiveLoader({ dir: path.join(dir, 'digests-paced'), archive }).loadAll();

		// Matching alone, without the store: the followers as the store hands them.
		const store = await openStore(`sqlite://${path.join(dir, 'state.sqlite')}`, { namespace: 'bench-paced' });
		const followers = await store.members.followers();
		await store.close();
		const text = digestText(archive.digest(date)?.papers ?? []);
		const times: number[] = [];
		for (let i = 0; i < 5; i++) {
			const t = performance.now();
			planAlerts(date, digestText(text.papers), followers);
			times.push(performance.now() - t);
		}
		times.sort((a, b) => a - b);
		const result: AlertsBenchResult = {
			scale,
			follows: followers.reduce((n, f) => n + f.follows.length, 0),
			members: followers.length,
			papers: PAPERS,
			matchMs: round(times[2] ?? 0, 1),
			matchWithStoreMs: round(paced[1]?.matchMs ?? 0, 1),
			rows: [...paced, ...unpaced].map(({ matchMs: _, ...row }) => row),
		};
		log(`member alerts (${result.follows} follows of ${result.members} members against one ${PAPERS}-paper digest; limits and delays scaled ${scale}×)`);
		log(`  matching: ${result.matchMs} ms in memory, ${result.matchWithStoreMs} ms with the follows read from SQLite`);
		for (const r of result.rows) {
			log(
				`  ${r.pacing.padEnd(26)} ${String(r.dms).padStart(5)} DMs ${String(r.requests).padStart(6)} requests in ${r.wallSeconds} s; bound ${r.boundSeconds} s → ${r.ratio}×`,
			);
		}
		return result;
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchAlerts();
