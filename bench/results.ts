import os from 'node:os';
import type { AlertsBenchResult } from './alerts.ts';
import type { ArchiveBenchResult } from './archive.ts';
import type { DeliveryBenchResult } from './delivery.ts';
import { fanoutProxyRows, type FanoutProxyBenchResult } from './fanout-proxy.ts';
import type { LandingBenchResult } from './landing.ts';
import type { MemoryBenchResult } from './memory.ts';

/** The one table `npm run bench` prints and writes to bench/results.md. */
export function resultsMarkdown(results: Record<string, unknown>): string {
	const a = results['archive'] as ArchiveBenchResult | undefined;
	const d = results['delivery'] as DeliveryBenchResult | undefined;
	const m = results['memory'] as MemoryBenchResult | undefined;
	const l = results['landing'] as LandingBenchResult | undefined;
	const al = results['alerts'] as AlertsBenchResult | undefined;
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
		rows.push(`| /paper | p50 ${a.paperLookup.p50Ms} ms · p99 ${a.paperLookup.p99Ms} ms | map look-up |`);
		rows.push(`| /top period:all | p50 ${a.topAll.p50Ms} ms · p99 ${a.topAll.p99Ms} ms | CPU (votes index) |`);
		rows.push(`| /search | p50 ${a.search.p50Ms} ms · p99 ${a.search.p99Ms} ms | CPU (word index intersection) |`);
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
