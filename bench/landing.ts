import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/store.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { subscribe } from '../test/helpers/subscriptions.ts';
import { spawnBot } from './bot-process.ts';

export interface LandingRun {
	watch: 'on' | 'off';
	scanIntervalSeconds: number;
	drops: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
}

export interface LandingBenchResult {
	/** Where the digests' text came from: the shared corpus of real files, else the project's examples. */
	source: string;
	settleMs: number;
	goalMs: number;
	watched: LandingRun;
	polled: LandingRun;
	/** How many times longer a file waits to be posted without the watch (p50 over p50). */
	ratio: number;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORPUS = path.resolve(ROOT, '../shared/corpus/daily_papers_ko/paper_logs');
/** The loader's default: a file modified this recently is still being written. */
const SETTLE_MS = 2000;
const GOAL_MS = 3000;
const DAY_MS = 86_400_000;
const CHANNEL_WINDOW_MS = 5000;

/** Real digests to drop: the newest files of the shared corpus when it is there, else the project's own two. */
async function texts(n: number): Promise<{ source: string; texts: string[] }> {
	if (existsSync(CORPUS)) {
		const files: string[] = [];
		const walk = async (dir: string): Promise<void> => {
			for (const e of await readdir(dir, { withFileTypes: true })) {
				if (e.isDirectory()) await walk(path.join(dir, e.name));
				else if (/^\d\d\.md$/.test(e.name)) files.push(path.join(dir, e.name));
			}
		};
		await walk(CORPUS);
		const newest = files.sort().slice(-n);
		return {
			source: `the newest ${newest.length} files of ../shared/corpus/daily_papers_ko`,
			texts: await Promise.all(newest.map((f) => readFile(f, 'utf8'))),
		};
	}
	const own = ['data/2025/01/06.md', 'data/2025/01/07.md'];
	return { source: 'data/ (no ../shared/corpus)', texts: await Promise.all(own.map((f) => readFile(path.join(ROOT, f), 'utf8'))) };
}

/** The text as the digest of `date`: its `## … (YYYY-MM-DD)` headings say so. */
function redate(text: string, date: string): string {
	return text.replace(/^(##[^#\n]*\()\d{4}-\d{2}-\d{2}\)/gm, `$1${date})`);
}

function latency(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
	return { p50Ms: Math.round(at(0.5)), p99Ms: Math.round(at(0.99)), maxMs: Math.round(sorted.at(-1) ?? 0) };
}

/** The bot's JSON log lines: counted, and awaited until one passes a test. */
function logWatcher(child: ChildProcess) {
	const seen: Array<Record<string, unknown>> = [];
	const waiters: Array<{ test: (l: Record<string, unknown>) => boolean; resolve: () => void }> = [];
	let rest = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		const lines = (rest + chunk.toString('utf8')).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines) {
			let l: Record<string, unknown>;
			try {
				l = JSON.parse(line) as Record<string, unknown>;
			} catch {
				continue;
			}
			seen.push(l);
			for (const w of [...waiters]) {
				if (!w.test(l)) continue;
				waiters.splice(waiters.indexOf(w), 1);
				w.resolve();
			}
		}
	});
	return {
		count: (test: (l: Record<string, unknown>) => boolean) => seen.filter(test).length,
		until: (test: (l: Record<string, unknown>) => boolean, timeoutMs: number, what: string) =>
			new Promise<void>((resolve, reject) => {
				if (seen.some(test)) return resolve();
				const timer = setTimeout(() => reject(new Error(`landing bench: no ${what} within ${timeoutMs} ms`)), timeoutMs);
				waiters.push({
					test,
					resolve: () => {
						clearTimeout(timer);
						resolve();
					},
				});
			}),
	};
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > end) throw new Error(`landing bench: no ${what} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

/**
 * The real bot (`src/main.ts`, its own process) against the emulator, one channel subscribed
 * with its time passed; `drops` digests renamed one by one into DIGEST_DIR (as `YYYY/MM/DD.md`,
 * written next to the folder first, as a producer does). Each is timed from the rename to the
 * first of its messages the emulator accepts.
 */
async function run(
	emu: Emulator,
	opts: { watch: 'on' | 'off'; scanIntervalSeconds: number; texts: string[]; drops: number; jitter: boolean },
): Promise<LandingRun> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-landing-'));
	const guild = emu.addGuild({ channels: 1 });
	const channel = guild.channels[0]!;
	const digests = path.join(dir, 'digests');
	await mkdir(digests);
	const storeUrl = `sqlite://${path.join(dir, 'state.sqlite')}`;
	const store = await openStore(storeUrl);
	await subscribe(store, guild.id, channel);
	await store.close();
	const child = spawnBot(emu, {
		env: {
			DIGEST_DIR: digests,
			STORE_URL: storeUrl,
			// Each drop is a day of its own, oldest first: all of them inside the catch-up window.
			CATCH_UP_DAYS: String(opts.drops + 2),
			SCAN_INTERVAL_SECONDS: String(opts.scanIntervalSeconds),
			DIGEST_WATCH: opts.watch,
			LOG_LEVEL: 'info',
		},
	});
	const log = logWatcher(child);
	const samples: number[] = [];
	try {
		await log.until((l) => l['msg'] === 'scheduler started; catching up', 60_000, 'start-up');
		const today = Date.now();
		for (let i = 0; i < opts.drops; i++) {
			const date = new Date(today - (opts.drops - 1 - i) * DAY_MS).toISOString().slice(0, 10);
			// Polling: a drop lands anywhere in the scan period, not just after the scan that posted the last one.
			if (opts.jitter) await new Promise((r) => setTimeout(r, Math.random() * opts.scanIntervalSeconds * 1000));
			const [y, m, d] = date.split('-') as [string, string, string];
			const incoming = path.join(dir, `incoming-${i}.md`);
			await writeFile(incoming, redate(opts.texts[i % opts.texts.length] ?? '', date));
			await mkdir(path.join(digests, y, m), { recursive: true });
			const before = emu.messages(channel).length;
			const delivered = log.count((l) => l['msg'] === 'digest delivered');
			const landed = Date.now();
			await rename(incoming, path.join(digests, y, m, `${d}.md`));
			await until(() => emu.messages(channel).length > before, (opts.scanIntervalSeconds + 30) * 1000, `message for ${date}`);
			samples.push((emu.messages(channel)[before]?.time ?? Date.now()) - landed);
			if (process.env['BENCH_DEBUG']) process.stderr.write(`landing ${date}: ${samples.at(-1)} ms\n`);
			// The whole digest is out, and Discord's window for the channel (5 messages / 5 s) has passed, before
			// the next lands: days apart in real life, so one drop's messages never hold up the next one's first.
			await log.until((l) => l['msg'] === 'digest delivered' && log.count((x) => x['msg'] === 'digest delivered') > delivered, 60_000, `delivery of ${date}`);
			const last = emu.messages(channel).at(-1)?.time ?? Date.now();
			await new Promise((r) => setTimeout(r, Math.max(0, last + CHANNEL_WINDOW_MS - Date.now())));
		}
	} finally {
		child.kill('SIGTERM');
		await new Promise((r) => child.once('exit', r));
		await rm(dir, { recursive: true, force: true });
	}
	return { watch: opts.watch, scanIntervalSeconds: opts.scanIntervalSeconds, drops: samples.length, ...latency(samples) };
}

export async function benchLanding(opts: { drops?: number; baselineDrops?: number; log?: (line: string) => void } = {}): Promise<LandingBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const drops = opts.drops ?? 20;
	const { source, texts: pool } = await texts(drops);
	const emu = await startEmulator({ validate: false });
	try {
		log(`landing (a digest renamed into DIGEST_DIR → its first message accepted; ${source}; settle ${SETTLE_MS} ms)`);
		const watched = await run(emu, { watch: 'on', scanIntervalSeconds: 3600, texts: pool, drops, jitter: false });
		log(`  watched   ${watched.drops} drops: p50 ${watched.p50Ms} ms · p99 ${watched.p99Ms} ms · max ${watched.maxMs} ms (goal < ${GOAL_MS} ms)`);
		const polled = await run(emu, { watch: 'off', scanIntervalSeconds: 30, texts: pool, drops: opts.baselineDrops ?? 4, jitter: true });
		log(`  polled    ${polled.drops} drops every ${polled.scanIntervalSeconds} s: p50 ${polled.p50Ms} ms · p99 ${polled.p99Ms} ms`);
		const ratio = Math.round((polled.p50Ms / Math.max(1, watched.p50Ms)) * 10) / 10;
		log(`  ratio     ${ratio}× faster with the watch (p50)`);
		return { source, settleMs: SETTLE_MS, goalMs: GOAL_MS, watched, polled, ratio };
	} finally {
		await emu.stop();
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchLanding();
