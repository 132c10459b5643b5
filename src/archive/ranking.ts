import type { ArchivedPaper, Paper } from '../digest/schema.ts';
import { periodStart, type Period } from '../time/dates.ts';
import { archived, type ArchiveChange, type Days } from './days.ts';
import { lowerBound } from './search-index.ts';

export interface RankedOrder {
	/** Every paper by its own votes, newest first among equals. */
	order: ArchivedPaper[];
	rankOf: Map<string, number>;
}

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

	constructor(private readonly days: Days) {}

	invalidate(change: ArchiveChange): void {
		if (change.dates.length === 0 && change.papers.length === 0) return;
		this.allTime = null;
		this.ranked = null;
	}

	/** Most-voted papers in the period that ends on `date` (default: the latest digest). */
	top(opts: { period: Period; date?: string; limit?: number }): ArchivedPaper[] {
		const limit = Math.max(0, opts.limit ?? 10);
		if (opts.period === 'all' && opts.date === undefined) return this.allTimeRanking().slice(0, limit);
		const end = opts.date ?? this.days.dates()[0];
		if (end === undefined) return [];
		const start = periodStart(opts.period, end) ?? '0000-00-00';
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
		return [...best.values()]
			.map(({ paper, date }) => archived(paper, date, this.entry(paper.id).dates))
			.sort(byVotesThenNewest)
			.slice(0, limit);
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
