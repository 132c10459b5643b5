import { parseArxivId } from '../digest/arxiv.ts';
import type { ArchivedPaper, ParseResult, Problem } from '../digest/schema.ts';
import { PERIODS, type Period } from '../time/dates.ts';
import { Days, type ArchiveChange, type DayDigest } from './days.ts';
import { Ranking } from './ranking.ts';
import { SUGGEST_LIMIT, Search } from './search.ts';

export type { ArchiveChange, DayDigest } from './days.ts';
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

/**
 * The in-memory archive: every digest file's papers, indexed by id, date, votes and words.
 * The day bookkeeping says what each file change altered; the ranking and the search each
 * drop or refresh their own caches from that.
 */
export class Archive {
	private readonly days = new Days();
	private readonly ranking = new Ranking(this.days);
	private readonly digestCache = new Map<string, DayDigest>();
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

	/**
	 * One day's digest, the same object until the archive changes: every channel delivered, and
	 * every redraw of a posted message, reads it, and builds nothing of its own. Read-only.
	 */
	digest(date: string): DayDigest | undefined {
		const cached = this.digestCache.get(date);
		if (cached) return cached;
		const digest = this.days.digest(date);
		if (digest) this.digestCache.set(date, digest);
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

	/** Whether the search index holds every paper as it is now: a search needs no indexing first. */
	searchReady(): boolean {
		return this.finder.ready();
	}

	/** Resolves once the search index holds every paper, indexing what is left in slices between other work. */
	whenSearchReady(): Promise<void> {
		return this.finder.whenReady();
	}

	/**
	 * Papers whose title, authors or summary hold every word of the query; title matches first.
	 * Indexes what is left at once, however long that takes: for one-shot tools. Anything
	 * answering others meanwhile uses `searchAsync`.
	 */
	search(query: string, opts: SearchOptions = {}): SearchResult {
		return this.finder.search(query, opts);
	}

	/** `search`, once the index is complete; waiting never holds the event loop for more than a slice. */
	async searchAsync(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
		// A scan may change papers while we wait; the search runs when none waits, in the same turn.
		while (!this.searchReady()) await this.whenSearchReady();
		return this.search(query, opts);
	}

	/**
	 * Autocomplete: ids starting with the input, else titles holding its words; empty input lists
	 * the latest digest. Indexes what is left at once, as `search` does.
	 */
	suggest(input: string, limit = SUGGEST_LIMIT): ArchivedPaper[] {
		return this.suggestWith(input, limit, false);
	}

	/** `suggest`, once the index is complete, as `searchAsync` waits for it. */
	async suggestAsync(input: string, limit = SUGGEST_LIMIT): Promise<ArchivedPaper[]> {
		while (!this.searchReady()) await this.whenSearchReady();
		return this.suggest(input, limit);
	}

	/**
	 * `suggest` at once, indexing nothing: ids by prefix as always, titles from the papers indexed
	 * so far. Autocomplete cannot be deferred, so while the index is built this is its answer.
	 */
	suggestSoFar(input: string, limit = SUGGEST_LIMIT): ArchivedPaper[] {
		return this.suggestWith(input, limit, true);
	}

	/** Indexes changed papers, up to `max` and for a few milliseconds (at least one); true while more waits. */
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

	private suggestWith(input: string, limit: number, soFar: boolean): ArchivedPaper[] {
		const text = input.trim();
		if (!text) {
			const latest = this.latestDate();
			return latest ? (this.digest(latest)?.papers ?? []).slice(0, limit) : [];
		}
		return this.finder.suggest(text, this.paper(text), limit, { soFar });
	}

	private changed(change: ArchiveChange): ArchiveChange {
		// A paper's list of days shows in every digest it is in: any change may touch any day.
		if (change.dates.length + change.papers.length > 0) this.digestCache.clear();
		this.ranking.invalidate(change);
		this.finder.invalidate(change);
		return change;
	}
}
