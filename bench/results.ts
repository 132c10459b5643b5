import os from 'node:os';
import type { AlertsBenchResult } from './alerts.ts';
import type { ArchiveBenchResult } from './archive.ts';
import type { DeliveryBenchResult } from './delivery.ts';
import { fanoutProxyRows, type FanoutProxyBenchResult } from './fanout-proxy.ts';
import type { LandingBenchResult } from './landing.ts';
import { summarise, type IndexStartResult } from './index-start.ts';
import type { MemoryBenchResult } from './memory.ts';
import type { ParseBenchResult } from './parse.ts';
import type { TimersBenchResult } from './timers.ts';

/** The one table `npm run bench` prints and writes to bench/results.md. */
export function resultsMarkdown(results: Record<string, unknown>): string {
	const a = results['archive'] as ArchiveBenchResult | undefined;
	const d = results['delivery'] as DeliveryBenchResult | undefined;
	const m = results['memory'] as MemoryBenchResult | undefined;
	const l = results['landing'] as LandingBenchResult | undefined;
	const al = results['alerts'] as AlertsBenchResult | undefined;
	const ix = results['index'] as IndexStartResult | undefined;
	const pa = results['parse'] as ParseBenchResult | undefined;
	const ti = results['timers'] as TimersBenchResult | undefined;
	const rows: string[] = ['| figure | value | what limits it |', '|---|---|---|'];
	for (const r of d?.rows ?? []) {
		rows.push(
			`| fan-out to ${r.channels} channels | ${r.requests} requests (${r.messagesPerChannel}/channel, ${r.rateLimited} × 429) in ${r.wallSeconds} s; bound ${r.boundSeconds} s → **${r.ratio}×** | global rate limit (${50 * (d?.scale ?? 1)} req/s at ${d?.scale}× scale); then CPU: store reads/writes and REST in one process (about 330 req/s on this machine) |`,
		);
	}
	rows.push(...fanoutProxyRows(results['fanout-proxy'] as FanoutProxyBenchResult | undefined));
	if (a) {
		rows.push(
			`| index build, ten-year archive | ${a.buildSeconds} s (${a.files} files, ${a.papers} papers, ${a.megabytes} MB) | CPU (marked lexer + zod per file) |`,
		);
		rows.push(`| /paper | p50 ${a.paperLookup.p50Ms} ms · p99 ${a.paperLookup.p99Ms} ms | the index file: one row by id |`);
		rows.push(`| /top period:all | p50 ${a.topAll.p50Ms} ms · p99 ${a.topAll.p99Ms} ms | the index file: the best-votes index |`);
		rows.push(`| /search | p50 ${a.search.p50Ms} ms · p99 ${a.search.p99Ms} ms | FTS5 match, then every match counted and sorted |`);
	}
	if (m)
		rows.push(
			`| peak RSS, bot with ten-year archive + ${m.subscriptions} subscriptions | ${m.peakRssMb} MB (${m.settledRssMb} MB settled; start ${m.startSeconds} s) | memory: archive index in RAM |`,
		);
	if (l) {
		const w = l.watched;
		const p = l.polled;
		rows.push(
			`| a digest landing → its first message (${w.drops} drops, file-system events) | p50 ${w.p50Ms} ms · p99 ${w.p99Ms} ms (goal < ${l.goalMs} ms) | the settle time (${l.settleMs} ms unchanged before a file is read), then one scan and the first send |`,
		);
		rows.push(
			`| the same, polling only (DIGEST_WATCH=off, SCAN_INTERVAL_SECONDS=${p.scanIntervalSeconds}; ${p.drops} drops) | p50 ${p.p50Ms} ms · p99 ${p.p99Ms} ms → **${l.ratio}×** the watched p50 | the scan period: a file waits for the next scan |`,
		);
	}
	if (al) {
		rows.push(
			`| matching ${al.follows} follows (${al.members} members) against one ${al.papers}-paper digest | ${al.matchMs} ms in memory; ${al.matchWithStoreMs} ms with the follows read from SQLite | CPU (each distinct query once over the day's words); then reading the follow records |`,
		);
		for (const r of al.rows) {
			rows.push(
				`| alert DMs, ${r.pacing} (${r.perSecond >= 1000 ? 'unpaced' : `${r.perSecond} req/s at ${al.scale}× scale`}) | ${r.dms} DMs, ${r.requests} requests in ${r.wallSeconds} s; bound ${r.boundSeconds} s → **${r.ratio}×** | ${r.pacing.includes('first') ? 'opening each DM channel: one rate-limit bucket for the whole bot, so one at a time' : r.perSecond >= 1000 ? 'global rate limit' : "the alerts' own pacing: 20 of the 50 req/s, the rest left to channels"} |`,
			);
		}
	}
	if (ix) rows.push(...indexRows(ix));
	if (pa) {
		rows.push(
			`| parsing the real corpus (${pa.files} files, ${pa.megabytes} MB; ${pa.fastFiles} in the canonical shape) | full parser ${pa.fullMs} ms a pass (${pa.fullVsRead}× a raw read); \`parseDigest\` ${pa.parseDigestMs} ms (${pa.parseDigestVsRead}×) → **${pa.speedup}×** faster, ${pa.fastOnlySpeedup}× on the canonical files | the files the line reader does not take go through marked's lexer |`,
		);
	}
	if (ti) {
		rows.push(
			`| ${ti.subscriptions} subscriptions scheduled: node-cron task each → one wake-up timer | schedule ${ti.cron.scheduleMs} → ${ti.heap.scheduleMs} ms (**${ti.ratios.scheduleMs}×**); heap ${ti.cron.heapMb} → ${ti.heap.heapMb} MB (**${ti.ratios.heapMb}×**); all due at once, worst lateness ${ti.cron.maxMs} → ${ti.heap.maxMs} ms | computing each due subscription's next instant in its zone before waking them |`,
		);
	}
	const when = new Date().toISOString().slice(0, 10);
	return [
		`# Benchmarks (\`npm run bench\`, ${when}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version})`,
		'',
		`Fan-out: one ${d?.papers ?? 15}-paper digest; the emulator (its own process) enforces 50 req/s global and 5 messages / 5 s per channel with 50–150 ms latency, all scaled ${d?.scale ?? '?'}× (limits up, windows and delays down) and the bot's REST \`globalRequestsPerSecond\` scaled the same; bound = requests ÷ the scaled global rate.`,
		'',
		...rows,
		'',
	].join('\n');
}

function indexRows(ix: IndexStartResult): string[] {
	const s = summarise(ix);
	const b = s['before'];
	const ratio = (v: number | undefined, base: number | undefined) => (v !== undefined && base ? ` (**${(v / base).toFixed(2)}×**)` : '');
	const rows: string[] = [];
	const what = `${ix.realText ? 'real text' : 'templates'}, ${ix.files} files, ${ix.papers} papers, ${ix.subscriptions} subscriptions`;
	const line = (name: string, k: string, limit: string) => {
		const v = s[k];
		if (!v) return;
		rows.push(
			`| ${name} (${what}) | commands answered ${v.ready} s${ratio(v.ready, b?.ready)}; searchable ${v.searchable} s; peak RSS ${v.peak} MB${ratio(v.peak, b?.peak)}; /search p99 ${v.search} ms, autocomplete p99 ${v.autocomplete} ms end to end | ${limit} |`,
		);
	};
	line(`start before the index file (${ix.baseline ?? '—'})`, 'before', 'every start parses every file; the archive and its search index in the JS heap');
	line('first start, no index yet', 'first', 'parsing every file once, and writing its rows and words into the index');
	line('start with the index built', 'indexed', 'listing and stating the files; the gateway login');
	const l = ix.inProcess;
	const f = (k: string) => (l[k] ? `p50 ${l[k].p50Ms} · p99 ${l[k].p99Ms} ms` : '—');
	rows.push(
		`| look-ups in the process, on the index file | /paper ${f('paper')}; /top period:all ${f('top all')}; /top period:year ${f('top year')}; /search ${f('search')}; autocomplete ${f('autocomplete')}; a day's digest ${f('digest')} | SQLite reads and JSON of the rows returned; broad /search words sort every match |`,
	);
	return rows;
}
