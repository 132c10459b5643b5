import { parseArxivId } from '../digest/arxiv.ts';
import type { ArchivedPaper, ParseResult, Problem } from '../digest/schema.ts';
import { PERIODS, type Period } from '../time/dates.ts';
import { Days, type ArchiveChange, type DayDigest, type FileStamp } from './days.ts';
import type { FileInput } from './file-input.ts';
import { IN_MEMORY, closeIndex, openIndex, type IndexDb } from './index-db.ts';
import { Ranking } from './ranking.ts';
import { SUGGEST_LIMIT, Search, feedWords } from './search.ts';

export type { ArchiveChange, DayDigest, FileStamp } from './days.ts';
export { SUGGEST_LIMIT } from './search.ts';
export type TopPeriod = Period;
export interface SearchOptions {
	limit?: number;
	offset?: number;
}
export interface SearchResult {
	total: number;
	results: ArchivedPaper[];
}
export const TOP_PERIODS = PERIODS;

/** Digests kept drawn at once: the days being delivered and paged through, not ten years of them. */
const DIGESTS_KEPT = 32;

export interface ArchiveOptions {
	/** The index: an open database (see `openIndex`), or none for one in memory. */
	db?: IndexDb;
}

/**
 * The archive: every digest file's papers, indexed by id, date, votes and words. It lives in
 * the index (SQLite, a file beside the store or in memory), not in the JS heap, so memory does
 * not grow with the years and a restart reads again only the files that changed. The day
 * bookkeeping says what each file change altered; the ranking drops its few cached answers from that.
 */
export class Archive {
	private readonly days: Days;
	private readonly ranking: Ranking;
	private readonly digestCache = new Map<string, DayDigest>();
	private readonly finder: Search;

	constructor(opts: ArchiveOptions = {}) {
		this.days = new Days(opts.db ?? openIndex(IN_MEMORY, '').db);
		this.ranking = new Ranking(this.days);
		feedWords(this.days);
		this.finder = new Search(this.days);
	}

	/** Replaces the contribution of one file (its parse, or as the parser thread encoded it), and says which days and papers that changed. `stamp` marks it read. */
	setFile(file: string, result: ParseResult | FileInput, stamp?: FileStamp): ArchiveChange {
		return this.changed(this.days.setFile(file, result, stamp));
	}

	removeFile(file: string): ArchiveChange {
		return this.changed(this.days.removeFile(file));
	}

	/** Groups the writes that follow into few transactions, until turned off (see `Days.batch`). */
	batch(on: boolean): void {
		this.changed(this.days.batch(on));
	}

	/** Commits the writes a batch holds. */
	flush(): void {
		this.changed(this.days.flush());
	}

	/** Every file the index holds as read, with the size and mtime it was read at. */
	stamps(): Map<string, FileStamp> {
		return this.days.stamps();
	}

	/** The index file, when there is one another thread can write big files into. */
	indexFile(): string | undefined {
		return this.days.db.memory ? undefined : this.days.db.name;
	}

	/** Takes in what another connection (the parser thread) wrote to the index: the same as `setFile` returned there. */
	wroteElsewhere(change: ArchiveChange): ArchiveChange {
		this.days.reread();
		return this.changed(change);
	}

	close(): void {
		closeIndex(this.days.db);
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

	/**
	 * One day's digest, the same object until the archive changes: every channel delivered, and
	 * every redraw of a posted message, reads it, and builds nothing of its own. Read-only.
	 */
	digest(date: string): DayDigest | undefined {
		const cached = this.digestCache.get(date);
		if (cached) {
			this.digestCache.delete(date);
			this.digestCache.set(date, cached);
			return cached;
		}
		const digest = this.days.digest(date);
		if (!digest) return undefined;
		this.digestCache.set(date, digest);
		if (this.digestCache.size > DIGESTS_KEPT) this.digestCache.delete(this.digestCache.keys().next().value!);
		return digest;
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

	/**
	 * Papers whose title, authors or summary hold every word of the query; compounds, then title
	 * matches first, then votes.
	 */
	search(query: string, opts: SearchOptions = {}): SearchResult {
		return this.finder.search(query, opts);
	}

	/**
	 * Autocomplete: ids starting with the input, else titles holding its words; empty input lists
	 * the latest digest.
	 */
	suggest(input: string, limit = SUGGEST_LIMIT): ArchivedPaper[] {
		const text = input.trim();
		if (!text) {
			const latest = this.latestDate();
			return latest ? (this.digest(latest)?.papers ?? []).slice(0, limit) : [];
		}
		return this.finder.suggest(text, this.paper(text), limit);
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
		// A paper's list of days shows in every digest it is in: any change may touch any day.
		if (change.dates.length + change.papers.length > 0) this.digestCache.clear();
		this.ranking.invalidate(change);
		return change;
	}
}
