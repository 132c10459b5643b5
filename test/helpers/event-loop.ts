import type { IntervalHistogram } from 'node:perf_hooks';

/**
 * Resolves once the monitor has sampled twice more: the first sample after enabling only starts
 * its clock, and a block that ended just now shows in the next one.
 */
export async function sampled(delay: IntervalHistogram): Promise<void> {
	const seen = delay.count;
	const deadline = Date.now() + 5000;
	while (delay.count < seen + 2 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * How long the loop may stall while a build of `waitedMs` runs: 200 ms, or a fifth of the wait
 * on a machine so busy that the wait itself stretched (other processes' turns count as stalls
 * too). Building in one go stalls for the whole wait.
 */
export function blockBound(waitedMs: number): number {
	return Math.max(200, waitedMs / 5);
}
