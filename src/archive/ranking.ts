import type { ArchivedPaper, Paper } from '../digest/schema.ts';
import { periodStart, type Period } from '../time/dates.ts';
import { archived, type ArchiveChange, type Days } from './days.ts';
import { lowerBound } from './search-index.ts';

export interface RankedOrder {
	/** Every paper by its own votes, newest first among equals. */
	order: ArchivedPaper[];
	rankOf: Map<string, number>;
}

/** Rolling windows kept ranked at once: a few periods, each pinned to a date or two. */
const WINDOWS_KEPT = 8;

export function byVotesThenNewest(a: ArchivedPaper, b: ArchivedPaper): number {
	const va = a.votes ?? -1;
	const vb = b.votes ?? -1;
	if (va !== vb) return vb - va;
	if (a.date !== b.date) return a.date < b.date ? 1 : -1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Papers by votes. Both caches span every day, so any changed day or paper drops them; a
 * rolling window is summed on each call from the days it covers, which stays cheap.
 */
export class Ranking {
	private allTime: ArchivedPaper[] | null = null;
	private ranked: RankedOrder | null = null;
	private readonly windows = new Map<string, readonly ArchivedPaper[]>();

	constructor(private readonly days: Days) {}

	invalidate(change: ArchiveChange): void {
		if (change.dates.length === 0 && change.papers.length === 0) return;
		this.allTime = null;
		this.ranked = null;
		this.windows.clear();
	}

	/** Most-voted papers in the period that ends on `date` (default: the latest digest). */
	top(opts: { period: Period; date?: string; limit?: number }): ArchivedPaper[] {
		return this.window(opts.period, opts.date).slice(0, Math.max(0, opts.limit ?? 10));
	}

	/** How many papers the period that ends on `date` holds: what a capped ranking was drawn from. */
	count(period: Period, date?: string): number {
		return this.window(period, date).length;
	}

	/**
	 * The whole ranking of a window. Pagers pin the end date so a page keeps its meaning when a new
	 * digest lands, so the same few windows are asked for again and again while members page
	 * through them: they are kept until a day changes, the all-time one shared with the unpinned form.
	 */
	private window(period: Period, date: string | undefined): readonly ArchivedPaper[] {
		const latest = this.days.dates()[0];
		const end = date ?? latest;
		if (end === undefined) return [];
		if (period === 'all' && end >= latest!) return this.allTimeRanking();
		const key = `${period}:${end}`;
		const cached = this.windows.get(key);
		if (cached) {
			// Refreshed as most recently used.
			this.windows.delete(key);
			this.windows.set(key, cached);
			return cached;
		}
		const ranked = this.rank(periodStart(period, end) ?? '0000-00-00', end);
		this.windows.set(key, ranked);
		if (this.windows.size > WINDOWS_KEPT) this.windows.delete(this.windows.keys().next().value!);
		return ranked;
	}

	private rank(start: string, end: string): ArchivedPaper[] {
		const ascending = [...this.days.dates()].reverse();
		const best = new Map<string, { paper: Paper; date: string }>();
		for (let i = lowerBound(ascending, start); i < ascending.length; i++) {
			const date = ascending[i] ?? '';
			if (date > end) break;
			for (const p of this.days.papersOn(date)) {
				const prev = best.get(p.id);
				// Dates ascend, so among equal votes the newest appearance in the window wins.
				if (!prev || (p.votes ?? -1) >= (prev.paper.votes ?? -1)) best.set(p.id, { paper: p, date });
			}
		}
		// A paper listed on several days in the window counts once, as its best-voted appearance
		// there: that day's date, title and summary, not a later day's outside the window.
		return [...best.values()].map(({ paper, date }) => archived(paper, date, this.entry(paper.id).dates)).sort(byVotesThenNewest);
	}

	/** Every paper by its own votes (newest first among equals), and each id's place in that order. */
	order(): RankedOrder {
		if (!this.ranked) {
			const order = [...this.days.papers()].sort(byVotesThenNewest);
			this.ranked = { order, rankOf: new Map(order.map((p, i) => [p.id, i])) };
		}
		return this.ranked;
	}

	private entry(id: string): ArchivedPaper {
		const p = this.days.paper(id);
		if (!p) throw new Error(`archive out of step: ${id} has appearances but no entry`);
		return p;
	}

	/** The paper as it appeared on its best-voted day (the newest among equals). */
	private bestAppearance(p: ArchivedPaper): ArchivedPaper {
		let date = p.date;
		let best: Paper | undefined;
		for (const [d, app] of this.days.appearancesOf(p.id)) {
			const v = app.votes ?? -1;
			const bv = best?.votes ?? -1;
			if (!best || v > bv || (v === bv && d > date)) {
				best = app;
				date = d;
			}
		}
		return best ? archived(best, date, p.dates) : p;
	}

	private allTimeRanking(): ArchivedPaper[] {
		this.allTime ??= [...this.days.papers()].map((p) => this.bestAppearance(p)).sort(byVotesThenNewest);
		return this.allTime;
	}
}
