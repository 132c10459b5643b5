import type { ArchivedPaper } from '../digest/schema.ts';
import { periodStart, type Period } from '../time/dates.ts';
import { archived, fromJson, type ArchiveChange, type Days } from './days.ts';

/** Rankings kept at once: a few periods, each pinned to a date or two, as pagers ask for them. */
const WINDOWS_KEPT = 8;

interface Window {
	total: number;
	/** The best `limit` papers, or all of them when `complete`. */
	papers: ArchivedPaper[];
	limit: number;
}

type RankedRow = { date: string; dates: string; paper: string };

/**
 * Papers by votes, from the index: the all-time ranking reads the papers' best appearances in
 * vote order straight off an index, and a window ranks the appearances in its days. Answers are
 * kept per window until a day or paper changes, since pagers ask for the same ones again and again.
 */
export class Ranking {
	private readonly windows = new Map<string, Window>();
	private readonly q;

	constructor(private readonly days: Days) {
		const p = (sql: string) => days.db.prepare(sql);
		this.q = {
			allTime: p(
				`SELECT p.best_date AS date, p.dates, f.paper FROM papers p JOIN day_papers d ON d.id = p.id AND d.date = p.best_date
				 JOIN file_papers f ON f.k = d.k ORDER BY p.best_votes DESC, p.best_date DESC, p.id LIMIT ?`,
			),
			allCount: p('SELECT count(*) FROM papers').pluck(),
			// A paper listed on several days in the window counts once, as its best-voted appearance
			// there (the newest among equals): that day's date, title and summary.
			window: p(
				`SELECT w.date, p.dates, f.paper FROM (
					SELECT id, date, votes, k, row_number() OVER (PARTITION BY id ORDER BY votes DESC, date DESC) AS place
					FROM day_papers WHERE date >= ? AND date <= ?
				 ) w JOIN papers p ON p.id = w.id JOIN file_papers f ON f.k = w.k WHERE w.place = 1 ORDER BY w.votes DESC, w.date DESC, w.id LIMIT ?`,
			),
			windowCount: p('SELECT count(DISTINCT id) FROM day_papers WHERE date >= ? AND date <= ?').pluck(),
		};
	}

	invalidate(change: ArchiveChange): void {
		if (change.dates.length === 0 && change.papers.length === 0) return;
		this.windows.clear();
	}

	/** Most-voted papers in the period that ends on `date` (default: the latest digest). */
	top(opts: { period: Period; date?: string; limit?: number }): ArchivedPaper[] {
		const limit = Math.max(0, opts.limit ?? 10);
		const w = this.window(opts.period, opts.date, limit);
		return w ? w.papers.slice(0, limit) : [];
	}

	/** How many papers the period that ends on `date` holds: what a capped ranking was drawn from. */
	count(period: Period, date?: string): number {
		return this.window(period, date, 0)?.total ?? 0;
	}

	private window(period: Period, date: string | undefined, limit: number): Window | undefined {
		const latest = this.days.dates()[0];
		const end = date ?? latest;
		if (end === undefined || latest === undefined) return undefined;
		const allTime = period === 'all' && end >= latest;
		const key = allTime ? 'all' : `${period}:${end}`;
		const cached = this.windows.get(key);
		if (cached && (cached.limit >= limit || cached.papers.length === cached.total)) {
			// Refreshed as most recently used.
			this.windows.delete(key);
			this.windows.set(key, cached);
			return cached;
		}
		const start = periodStart(period, end) ?? '0000-00-00';
		// A query's limit is a 64-bit integer; "all of them" is asked for as the largest safe one.
		const n = Math.min(limit, Number.MAX_SAFE_INTEGER);
		const rows = (allTime ? this.q.allTime.all(n) : this.q.window.all(start, end, n)) as RankedRow[];
		const total = cached?.total ?? ((allTime ? this.q.allCount.get() : this.q.windowCount.get(start, end)) as number);
		const made: Window = {
			total,
			limit,
			papers: rows.map((r) => archived(fromJson(r.paper), r.date, JSON.parse(r.dates) as string[])),
		};
		this.windows.set(key, made);
		if (this.windows.size > WINDOWS_KEPT) this.windows.delete(this.windows.keys().next().value!);
		return made;
	}
}
