import { runFleet, type FleetRunResult } from '../test/helpers/fleet-run.ts';
import { REDIS_URL, redisAvailable } from '../test/helpers/redis.ts';

/**
 * Fan-out from three shard processes over one Redis, each on its own and all through one
 * `npm run proxy`: Discord's 50 req/s unscaled (750 channels), and 3,000 channels at 4× (200 req/s,
 * each process's limiter at the same). The emulator runs in its own process with 40–120 ms latency.
 */
const PROCESSES = 3;
const CASES = [
	{ channels: 750, globalPerSecond: 50 },
	{ channels: 3000, globalPerSecond: 200 },
] as const;

export interface FanoutProxyBenchResult {
	processes: number;
	/** Why nothing was measured (no Redis). */
	skipped?: string;
	rows: Array<{ globalPerSecond: number; direct: FleetRunResult; proxied: FleetRunResult }>;
}

export async function benchFanoutProxy(): Promise<FanoutProxyBenchResult> {
	if (!redisAvailable) return { processes: PROCESSES, skipped: `no Redis at ${REDIS_URL}`, rows: [] };
	const rows: FanoutProxyBenchResult['rows'] = [];
	for (const c of CASES) {
		const base = { channels: c.channels, processes: PROCESSES, globalPerSecond: c.globalPerSecond, redisUrl: REDIS_URL };
		const direct = await runFleet({ ...base, proxy: false });
		const proxied = await runFleet({ ...base, proxy: true });
		for (const r of [direct, proxied])
			process.stdout.write(
				`fan-out ${r.channels} channels, ${PROCESSES} processes, ${r.proxy ? 'through the proxy' : 'each on its own'}: ${r.requests} requests in ${r.wallSeconds} s, bound ${r.boundSeconds} s → ${r.ratio}×; ${r.global429} global 429s; ${r.wrongChannels.length} channels wrong\n`,
			);
		rows.push({ globalPerSecond: c.globalPerSecond, direct, proxied });
	}
	return { processes: PROCESSES, rows };
}

/** The rows bench/results.md shows for this section. */
export function fanoutProxyRows(f: FanoutProxyBenchResult | undefined): string[] {
	if (!f) return [];
	if (f.skipped) return [`| fan-out, ${f.processes} processes, with and without the REST proxy | skipped: ${f.skipped} | — |`];
	return f.rows.flatMap(({ globalPerSecond, direct, proxied }) =>
		[direct, proxied].map(
			(r) =>
				`| fan-out to ${r.channels} channels, ${f.processes} shard processes, ${r.proxy ? 'through `npm run proxy`' : 'each on its own (no proxy)'} (${globalPerSecond} req/s global) | ${r.requests} requests, **${r.global429} global 429s**, in ${r.wallSeconds} s; bound ${r.boundSeconds} s → **${r.ratio}×** | ${r.proxy ? 'one limiter for the fleet; 100 ms past each full window; a late first arrival in a window can still cost a 429 and the retries after it' : "each process's limiter knows only its own requests: every window over the limit, answered by 429s and retried"} |`,
		),
	);
}
