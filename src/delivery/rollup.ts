import type { Archive } from '../archive/archive.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Subscription } from '../store/schema.ts';
import { addDays, isoWeek, isoWeekday } from '../time/dates.ts';

/** A weekly roll-up without its own `top` lists this many papers. */
export const WEEKLY_TOP = 10;

/** What one scheduled post of a subscription is made of: a day's digest, or a week's best. */
export interface DuePost {
	/** The ledger's date: the digest's day, or the day a roll-up is posted. */
	date: string;
	papers: readonly ArchivedPaper[];
	/** A roll-up's window, first and last day. */
	week?: { from: string; to: string };
}

/**
 * The days a weekly subscription posts on, oldest first: its weekday, within the catch-up window
 * ending today, after the subscription started, at most one per ISO week — so moving the weekday
 * mid-week does not post the same week twice.
 */
export function rollupDates(opts: {
	weekday: number;
	today: string;
	catchUpDays: number;
	startAfterDate: string | null;
	lastDeliveredDate: string | null;
}): string[] {
	const out: string[] = [];
	for (let d = addDays(opts.today, -opts.catchUpDays); d <= opts.today; d = addDays(d, 1)) {
		if (isoWeekday(d) !== opts.weekday) continue;
		if (opts.startAfterDate !== null && d <= opts.startAfterDate) continue;
		if (opts.lastDeliveredDate !== null && d !== opts.lastDeliveredDate && isoWeek(d) === isoWeek(opts.lastDeliveredDate)) continue;
		out.push(d);
	}
	return out;
}

/** The seven days before `date`: the week a roll-up posted that day looks back on. */
export function rollupWindow(date: string): { from: string; to: string } {
	return { from: addDays(date, -7), to: addDays(date, -1) };
}

/** The post due on `date`, or null when there is nothing to make one from. */
export function duePost(sub: Pick<Subscription, 'cadence'>, date: string, archive: Archive): DuePost | null {
	if (sub.cadence !== 'weekly') {
		const digest = archive.digest(date);
		return digest ? { date, papers: digest.papers } : null;
	}
	const week = rollupWindow(date);
	// Every paper of the week by votes: the channel's filters and `top` then pick from all of them.
	const papers = archive.top({ period: 'week', date: week.to, limit: Number.MAX_SAFE_INTEGER });
	return papers.length ? { date, papers, week } : null;
}

/** A roll-up's `top` is its size; a daily digest's is a filter that may be off. */
export function effectiveTop(sub: Pick<Subscription, 'cadence' | 'top'>): number | null {
	return sub.cadence === 'weekly' ? (sub.top ?? WEEKLY_TOP) : sub.top;
}
