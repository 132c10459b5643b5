import type { Logger } from '../log.ts';

/*
 * "Arrived" means the newest digest's own date, not when its file landed: a fresh clone or a
 * copied folder gives every file today's time, so file times would call a source that stopped
 * months ago fresh on every restart of every machine. The date is also what an admin sees.
 */

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface Quiet {
	/** The newest digest date. */
	since: string;
	/** Days from it to today (UTC). */
	days: number;
}

/**
 * The source is quiet once `afterDays` whole days have passed after the newest digest's date
 * with no newer one: a Friday digest on the next Monday morning is not yet (weekends are often
 * empty), on Tuesday it is with the default of 3. No digest at all, or `afterDays` 0: never.
 */
export function quietSince(latest: string | undefined, now: Date, afterDays: number): Quiet | null {
	if (!latest || afterDays <= 0) return null;
	const days = daysBetween(latest, now.toISOString().slice(0, 10));
	return days > afterDays ? { since: latest, days } : null;
}

export interface StalenessWatchOptions {
	latestDate: () => string | undefined;
	now: () => Date;
	afterDays: number;
	logger: Logger;
	/** How often to look (cheap: one look-up). */
	everyMs: number;
}

/** Warns at most once per (UTC) day while the source is quiet, and once when a digest arrives again. */
export function watchStaleness(opts: StalenessWatchOptions): { check(): void; stop(): void } {
	let warnedOn: string | null = null;
	let quiet = false;
	const check = () => {
		const now = opts.now();
		const q = quietSince(opts.latestDate(), now, opts.afterDays);
		if (!q) {
			if (quiet) opts.logger.info({ latest: opts.latestDate() }, 'a new digest arrived: the digest source is no longer quiet');
			quiet = false;
			warnedOn = null;
			return;
		}
		quiet = true;
		const today = now.toISOString().slice(0, 10);
		if (warnedOn === today) return;
		warnedOn = today;
		opts.logger.warn(
			{ latest: q.since, days: q.days, staleAfterDays: opts.afterDays },
			`no new digest since ${q.since} (${q.days} days): the digest source may have stopped`,
		);
	};
	check();
	const timer = setInterval(check, opts.everyMs);
	timer.unref();
	return { check, stop: () => clearInterval(timer) };
}
