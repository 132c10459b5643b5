/*
 * When to fetch next, and what to say about it: pure, so the schedule and the "once per outage"
 * rule are tested without a repository or a clock.
 *
 * A failure is retried sooner than the interval at first (a dropped connection is usually
 * back in seconds), then less and less often, so a forge that is down, or that refuses a
 * revoked token, is not asked every few seconds for hours.
 */

/** The first retry waits at most this long, however long the interval. */
export const FIRST_RETRY_MAX_MS = 30_000;
/** Retries wait at most this many intervals… */
export const RETRY_CAP_INTERVALS = 8;
/** …and at most an hour, unless the interval itself is longer. */
export const RETRY_CAP_MS = 3_600_000;

export interface FollowState {
	/** Failed attempts in a row; 0 while the remote answers. */
	failures: number;
	/** When the current outage began (epoch ms), or null. */
	since: number | null;
}

export const HEALTHY: FollowState = { failures: 0, since: null };

export type FollowNotice =
	/** The first failure of an outage: the one warning an operator gets. */
	| { kind: 'outage' }
	/** Another failure of the same outage: debug only. */
	| { kind: 'still-failing'; failures: number }
	/** The first success after an outage. */
	| { kind: 'recovered'; failures: number; downMs: number }
	| null;

export interface FollowStep {
	state: FollowState;
	/** How long to wait before the next attempt. */
	delayMs: number;
	notice: FollowNotice;
}

/** The wait after `failures` failed attempts in a row (at least one). */
export function retryDelayMs(failures: number, intervalMs: number): number {
	const first = Math.min(intervalMs, FIRST_RETRY_MAX_MS);
	const cap = Math.max(intervalMs, Math.min(intervalMs * RETRY_CAP_INTERVALS, RETRY_CAP_MS));
	// Past 2^30 the doubling has long reached the cap; stopping there keeps the number finite.
	return Math.min(first * 2 ** Math.min(Math.max(failures, 1) - 1, 30), cap);
}

/** The state, the wait and the notice after one attempt that succeeded (`ok`) or failed, at `nowMs`. */
export function afterAttempt(state: FollowState, ok: boolean, nowMs: number, intervalMs: number): FollowStep {
	if (ok) {
		const notice: FollowNotice = state.failures > 0 ? { kind: 'recovered', failures: state.failures, downMs: nowMs - (state.since ?? nowMs) } : null;
		return { state: HEALTHY, delayMs: intervalMs, notice };
	}
	const failures = state.failures + 1;
	return {
		state: { failures, since: state.since ?? nowMs },
		delayMs: retryDelayMs(failures, intervalMs),
		notice: failures === 1 ? { kind: 'outage' } : { kind: 'still-failing', failures },
	};
}
