import { parseArxivId } from '../digest/arxiv.ts';
import type { ArchivedPaper, ParseResult, Problem } from '../digest/schema.ts';
import { PERIODS, type Period } from '../time/dates.ts';
import { Days, type ArchiveChange, type DayDigest } from './days.ts';
import { Ranking } from './ranking.ts';
import { SUGGEST_LIMIT, Search } from './search.ts';

export type { ArchiveChange, DayDigest } from './days.ts';
export { SUGGEST_LIMIT } from './search.ts';
export type TopPeriod = Period;
export const TOP_PERIODS = PERIODS;

/**
 * The in-memory archive: every digest file's papers, indexed by id, date, votes and words.
 * The day bookkeeping says what each file change altered; the ranking and the search each
 * drop or refresh their own caches from that.
 */
export class Archive {
	private readonly days = new Days();
	private readonly ranking = new Ranking(this.days);
	private readonly finder = new Search(this.days, this.ranking);

	/** Replaces the contribution of one file, and says which days and papers that changed. */
	setFile(file: string, result: ParseResult): ArchiveChange {
		return this.changed(this.days.setFile(file, result));
	}

	removeFile(file: string): ArchiveChange {
		return this.changed(this.days.removeFile(file));
	}

	/** A paper by id or by any link or form `parseArxivId` accepts. */
	paper(idOrUrl: string): ArchivedPaper | undefined {
		const id = parseArxivId(idOrUrl);
		return id ? this.days.paper(id) : undefined;
	}

	/** Digest dates, newest first. */
	dates(): string[] {
		return this.days.dates();
	}

	latestDate(): string | undefined {
		return this.days.dates()[0];
	}

	hasDate(date: string): boolean {
		return this.days.hasDate(date);
	}

	digest(date: string): DayDigest | undefined {
		return this.days.digest(date);
	}

	/** The digest dates closest to `date` on either side (`date` itself excluded): what to offer when it has none. */
	nearestDates(date: string): { before?: string; after?: string } {
		const dates = this.days.dates();
		const i = dates.findIndex((d) => d < date);
		const before = i === -1 ? undefined : dates[i];
		const after = (i === -1 ? dates.at(-1) : dates[i - 1]) ?? undefined;
		return { ...(before ? { before } : {}), ...(after && after > date ? { after } : {}) };
	}

	/** How many papers the period that ends on `date` ranks (default: the latest digest). */
	topCount(period: TopPeriod, date?: string): number {
		return this.ranking.count(period, date);
	}

	/** Most-voted papers in the period that ends on `date` (default: the latest digest). */
	top(opts: { period: TopPeriod; date?: string; limit?: number }): ArchivedPaper[] {
		return this.ranking.top(opts);
	}

	/** Papers whose title, authors or summary hold every word of the query; title matches first. */
	search(query: string, opts: { limit?: number; offset?: number } = {}): { total: number; results: ArchivedPaper[] } {
		return this.finder.search(query, opts);
	}

	/** Autocomplete: ids starting with the input, else titles holding its words; empty input lists the latest digest. */
	suggest(input: string, limit = SUGGEST_LIMIT): ArchivedPaper[] {
		const text = input.trim();
		if (!text) {
			const latest = this.latestDate();
			return latest ? (this.digest(latest)?.papers ?? []).slice(0, limit) : [];
		}
		return this.finder.suggest(text, this.paper(text), limit);
	}

	/** Indexes up to `max` papers changed since the last query; true while more wait. */
	indexSome(max: number): boolean {
		return this.finder.indexSome(max);
	}

	problems(): Problem[] {
		return this.days.problems();
	}

	digests(): { file: string; date: string; papers: string[] }[] {
		return this.days.digests();
	}

	stats(): { files: number; digests: number; papers: number } {
		return this.days.stats();
	}

	private changed(change: ArchiveChange): ArchiveChange {
		this.ranking.invalidate(change);
		this.finder.invalidate(change);
		return change;
	}
}
