import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import cron, { type ScheduledTask } from 'node-cron';
import { WakeTimer } from '../src/delivery/wake-timer.ts';
import { MISSED_FIRE_TOLERANCE_MS } from '../src/delivery/scheduler.ts';
import { subscriptionCron } from '../src/time/clock.ts';
import { ruleOfCron, subscriptionRule } from '../src/time/next-fire.ts';

type Variant = 'cron' | 'heap';
interface Sub {
	guildId: string;
	channelId: string;
	time: string;
	timezone: string;
}

interface MemoryFigures {
	scheduleMs: number;
	heapMb: number;
	rssMb: number;
}
interface LatenessFigures {
	woken: number;
	firstMs: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
}

export interface TimersBenchResult {
	subscriptions: number;
	rounds: number;
	/** Medians over the rounds, per variant: one node-cron task per subscription, or one timer for all. */
	cron: MemoryFigures & LatenessFigures;
	heap: MemoryFigures & LatenessFigures;
	/** heap ÷ cron: under 1 is better. */
	ratios: { scheduleMs: number; heapMb: number; rssMb: number; p50Ms: number; maxMs: number };
}

const ZONES = ['Asia/Seoul', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Asia/Kolkata'];

function subs(n: number): Sub[] {
	return Array.from({ length: n }, (_, i) => ({
		guildId: String(100_000_000_000_000_000n + BigInt(Math.floor(i / 100))),
		channelId: String(200_000_000_000_000_000n + BigInt(i)),
		time: `${String((i * 7) % 24).padStart(2, '0')}:${String((i * 13) % 60).padStart(2, '0')}`,
		timezone: ZONES[i % ZONES.length] as string,
	}));
}

const key = (s: Sub) => `${s.guildId}:${s.channelId}`;

/** The scheduler's per-subscription state before: a node-cron task each, with the options it used. */
function scheduleCron(list: readonly Sub[], pattern: (s: Sub) => string, onFire: (k: string) => void): Map<string, { task: ScheduledTask }> {
	const tasks = new Map<string, { task: ScheduledTask; pattern: string; timezone: string }>();
	for (const s of list) {
		const k = key(s);
		const p = pattern(s);
		const task = cron.schedule(p, () => onFire(k), {
			timezone: s.timezone,
			name: `deliver:${k}`,
			noOverlap: true,
			missedExecutionTolerance: MISSED_FIRE_TOLERANCE_MS,
		});
		task.unref();
		tasks.set(k, { task, pattern: p, timezone: s.timezone });
	}
	return tasks;
}

/** Now: one wake timer for all. */
function scheduleHeap(list: readonly Sub[], rule: (s: Sub) => ReturnType<typeof ruleOfCron>, onWake: (keys: string[]) => void): WakeTimer {
	const wakes = new WakeTimer({ now: () => Date.now(), toleranceMs: MISSED_FIRE_TOLERANCE_MS, onWake });
	for (const s of list) wakes.set(key(s), rule(s), s.timezone, false);
	wakes.arm();
	return wakes;
}

const gc = () => {
	for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
};
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;

async function childMemory(variant: Variant, n: number): Promise<MemoryFigures> {
	const list = subs(n);
	// Both paths warmed up (formatters, parsed patterns) on other keys, so only per-subscription state is counted.
	if (variant === 'cron') for (const { task } of scheduleCron(list.slice(0, 50), subscriptionCron, () => undefined).values()) await task.destroy();
	else scheduleHeap(list.slice(0, 50), subscriptionRule, () => undefined).clear();
	gc();
	const before = process.memoryUsage();
	const t0 = performance.now();
	const held = variant === 'cron' ? scheduleCron(list, subscriptionCron, () => undefined) : scheduleHeap(list, subscriptionRule, () => undefined);
	const scheduleMs = performance.now() - t0;
	gc();
	const after = process.memoryUsage();
	if (held instanceof Map && held.size !== n) throw new Error('not all scheduled');
	return { scheduleMs: Math.round(scheduleMs), heapMb: mb(after.heapUsed - before.heapUsed), rssMb: mb(after.rss - before.rss) };
}

/** Every subscription due at the same second, a few seconds ahead (second-level patterns, the tests' hook). */
async function childLateness(variant: Variant, n: number): Promise<LatenessFigures> {
	const list = subs(n);
	// Scheduling 5,000 node-cron tasks takes seconds on a shared machine: the due second is well after it.
	const due = Math.ceil(Date.now() / 1000) * 1000 + 8000;
	const formatters = new Map(
		ZONES.map((z) => [z, new Intl.DateTimeFormat('en-US', { timeZone: z, hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' })]),
	);
	const patterns = new Map(
		list.map((s) => {
			const p = Object.fromEntries((formatters.get(s.timezone) as Intl.DateTimeFormat).formatToParts(due).map((x) => [x.type, Number(x.value)]));
			return [key(s), `${p['second']} ${p['minute']} ${p['hour']} * * *`];
		}),
	);
	const pattern = (s: Sub) => patterns.get(key(s)) as string;
	const late: number[] = [];
	let resolve = () => {};
	const all = new Promise<void>((r) => (resolve = r));
	const seen = (count: number) => {
		const ms = Date.now() - due;
		for (let i = 0; i < count; i++) late.push(ms);
		if (late.length >= n) resolve();
	};
	if (variant === 'cron') scheduleCron(list, pattern, () => seen(1));
	else
		scheduleHeap(
			list,
			(s) => ruleOfCron(pattern(s)),
			(keys) => seen(keys.length),
		);
	if (Date.now() >= due - 500) throw new Error('scheduling took too long for the due second');
	await Promise.race([all, new Promise((r) => setTimeout(r, 20_000))]);
	late.sort((a, b) => a - b);
	const q = (f: number) => late[Math.min(late.length - 1, Math.floor(f * late.length))] ?? NaN;
	return { woken: late.length, firstMs: late[0] ?? NaN, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: late.at(-1) ?? NaN };
}

function inChild<T>(mode: 'memory' | 'lateness', variant: Variant, n: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, variant, String(n)], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
		child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`timers child ${mode} ${variant} exited ${code}`))));
	});
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The scheduler's wake-ups, before and after: N subscriptions each as a node-cron task, or all
 * under one timer. Each figure in a fresh process (heap and RSS after a forced GC, less the
 * process's own before scheduling), the variants interleaved over the rounds.
 */
export async function benchTimers(opts: { subscriptions?: number; rounds?: number; log?: (line: string) => void } = {}): Promise<TimersBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const n = opts.subscriptions ?? 5000;
	const rounds = opts.rounds ?? 3;
	const runs: Record<Variant, (MemoryFigures & LatenessFigures)[]> = { cron: [], heap: [] };
	for (let r = 0; r < rounds; r++) {
		for (const v of ['cron', 'heap'] as const) {
			const memory = await inChild<MemoryFigures>('memory', v, n);
			const lateness = await inChild<LatenessFigures>('lateness', v, n);
			runs[v].push({ ...memory, ...lateness });
		}
	}
	const med = (v: Variant) => {
		const keys = Object.keys(runs[v][0] ?? {}) as (keyof (MemoryFigures & LatenessFigures))[];
		return Object.fromEntries(keys.map((k) => [k, median(runs[v].map((x) => x[k]))])) as unknown as MemoryFigures & LatenessFigures;
	};
	const c = med('cron');
	const h = med('heap');
	const ratio = (k: keyof (MemoryFigures & LatenessFigures)) => r2(h[k] / c[k]);
	const result: TimersBenchResult = {
		subscriptions: n,
		rounds,
		cron: c,
		heap: h,
		ratios: { scheduleMs: ratio('scheduleMs'), heapMb: ratio('heapMb'), rssMb: ratio('rssMb'), p50Ms: ratio('p50Ms'), maxMs: ratio('maxMs') },
	};
	log(`timers (${n} subscriptions; median of ${rounds} rounds; one node-cron task each → one timer for all)`);
	log(`  schedule all   ${c.scheduleMs} ms → ${h.scheduleMs} ms (${result.ratios.scheduleMs}×)`);
	log(`  heap held      ${c.heapMb} MB → ${h.heapMb} MB (${result.ratios.heapMb}×)`);
	log(`  RSS added      ${c.rssMb} MB → ${h.rssMb} MB (${result.ratios.rssMb}×)`);
	log(`  all due at one second: woken ${c.woken} → ${h.woken}`);
	log(
		`    lateness     first ${c.firstMs} → ${h.firstMs} ms · p50 ${c.p50Ms} → ${h.p50Ms} ms · p99 ${c.p99Ms} → ${h.p99Ms} ms · max ${c.maxMs} → ${h.maxMs} ms`,
	);
	return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const i = process.argv.indexOf('--child');
	if (i === -1) await benchTimers();
	else {
		const [mode, variant, n] = process.argv.slice(i + 1) as ['memory' | 'lateness', Variant, string];
		const figures = mode === 'memory' ? await childMemory(variant, Number(n)) : await childLateness(variant, Number(n));
		process.stdout.write(JSON.stringify(figures));
		process.exit(0);
	}
}
