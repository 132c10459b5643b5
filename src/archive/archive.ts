import type { ArchivedPaper, Paper, ParseResult, Problem } from '../digest/schema.ts';
import { parseArxivId } from '../digest/arxiv.ts';
import { SearchIndex, lowerBound, topK } from './search-index.ts';
import { isHangul, nfkcStable, normalise, words } from './tokens.ts';

export type TopPeriod = 'day' | 'week' | 'month' | 'year' | 'all';
export const TOP_PERIODS: readonly TopPeriod[] = ['day', 'week', 'month', 'year', 'all'];
/** Days in each rolling window that ends on (and includes) the chosen date. */
const PERIOD_DAYS: Record<Exclude<TopPeriod, 'all'>, number> = { day: 1, week: 7, month: 30, year: 365 };
export const SUGGEST_LIMIT = 25;

export interface DayDigest {
	date: string;
	files: string[];
	papers: ArchivedPaper[];
}

function byVotesThenNewest(a: ArchivedPaper, b: ArchivedPaper): number {
	const va = a.votes ?? -1;
	const vb = b.votes ?? -1;
	if (va !== vb) return vb - va;
	if (a.date !== b.date) return a.date < b.date ? 1 : -1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function shiftDate(date: string, days: number): string {
	const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
	return new Date(t).toISOString().slice(0, 10);
}

// Field by field rather than a rest spread, which V8 makes slow, on the start-up path of every paper.
function archived(p: Paper, date: string, dates: string[]): ArchivedPaper {
	return { id: p.id, title: p.title, url: p.url, votes: p.votes, authors: p.authors, thumbnail: p.thumbnail, summary: p.summary, date, dates };
}

function haystack(p: ArchivedPaper): string {
	return normalise(`${p.title}\n${p.authors.join(', ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`);
}

/**
 * The in-memory archive: every digest file's papers, indexed by id, date, votes and words.
 * Files are added or replaced one at a time; only the days and papers they touch are rebuilt.
 */
export class Archive {
	private readonly results = new Map<string, ParseResult>();
	private readonly filesByDate = new Map<string, string[]>();
	private readonly dayPapers = new Map<string, Paper[]>();
	private readonly dayProblems = new Map<string, Problem[]>();
	private readonly appearances = new Map<string, Map<string, Paper>>();
	private readonly papers = new Map<string, ArchivedPaper>();
	private readonly index = new SearchIndex();
	private readonly dirty = new Set<string>();
	/** Papers whose text NFKC would change (rare: compatibility forms, decomposed jamo); search normalises those in full. */
	private readonly unstableText = new Set<string>();
	private sortedDates: string[] | null = null;
	private sortedIds: string[] | null = null;
	private allTime: ArchivedPaper[] | null = null;
	private ranked: { order: ArchivedPaper[]; rankOf: Map<string, number> } | null = null;

	/** Replaces the contribution of one file. */
	setFile(file: string, result: ParseResult): void {
		const before = this.results.get(file)?.digest?.date;
		this.results.set(file, result);
		const after = result.digest?.date;
		if (before !== undefined && before !== after) this.unlinkFile(before, file);
		if (after !== undefined && before !== after) {
			const list = this.filesByDate.get(after) ?? [];
			list.push(file);
			list.sort();
			this.filesByDate.set(after, list);
		}
		if (before !== undefined) this.rebuildDay(before);
		if (after !== undefined && after !== before) this.rebuildDay(after);
	}

	removeFile(file: string): void {
		const before = this.results.get(file)?.digest?.date;
		this.results.delete(file);
		if (before !== undefined) {
			this.unlinkFile(before, file);
			this.rebuildDay(before);
		}
	}

	hasFile(file: string): boolean {
		return this.results.has(file);
	}

	files(): string[] {
		return [...this.results.keys()].sort();
	}

	/** A paper by id or by any link or form `parseArxivId` accepts. */
	paper(idOrUrl: string): ArchivedPaper | undefined {
		const id = parseArxivId(idOrUrl);
		return id ? this.papers.get(id) : undefined;
	}

	/** Digest dates, newest first. */
	dates(): string[] {
		this.sortedDates ??= [...this.dayPapers.keys()].sort().reverse();
		return this.sortedDates;
	}

	latestDate(): string | undefined {
		return this.dates()[0];
	}

	digest(date: string): DayDigest | undefined {
		const papers = this.dayPapers.get(date);
		if (!papers) return undefined;
		return {
			date,
			files: [...(this.filesByDate.get(date) ?? [])],
			papers: papers.map((p) => this.onDay(p, date)),
		};
	}

	/** Most-voted papers in the period that ends on `date` (default: the latest digest). */
	top(opts: { period: TopPeriod; date?: string; limit?: number }): ArchivedPaper[] {
		const limit = Math.max(0, opts.limit ?? 10);
		if (opts.period === 'all' && opts.date === undefined) return this.allTimeRanking().slice(0, limit);
		const end = opts.date ?? this.latestDate();
		if (end === undefined) return [];
		const start = opts.period === 'all' ? '0000-00-00' : shiftDate(end, 1 - PERIOD_DAYS[opts.period]);
		const ascending = [...this.dates()].reverse();
		const best = new Map<string, { paper: Paper; date: string }>();
		for (let i = lowerBound(ascending, start); i < ascending.length; i++) {
			const date = ascending[i] ?? '';
			if (date > end) break;
			for (const p of this.dayPapers.get(date) ?? []) {
				const prev = best.get(p.id);
				// Dates ascend, so among equal votes the newest appearance in the window wins.
				if (!prev || (p.votes ?? -1) >= (prev.paper.votes ?? -1)) best.set(p.id, { paper: p, date });
			}
		}
		// A paper listed on several days in the window counts once, as its best-voted appearance
		// there: that day's date, title and summary, not a later day's outside the window.
		return [...best.values()]
			.map(({ paper, date }) => archived(paper, date, this.require(paper.id).dates))
			.sort(byVotesThenNewest)
			.slice(0, limit);
	}

	/** Papers whose title, authors or summary hold every word of the query; title matches first. */
	search(query: string, opts: { limit?: number; offset?: number } = {}): { total: number; results: ArchivedPaper[] } {
		const terms = words(query);
		if (terms.length === 0) return { total: 0, results: [] };
		this.flush();
		let ids = this.index.candidates(terms);
		const needle = terms.filter((t) => isHangul(t) && t.length > 2);
		if (needle.length > 0) {
			// Bigrams over-match a longer Hangul word ("모델링" vs "모링델"); confirm against the text.
			ids = ids.filter((id) => {
				const p = this.papers.get(id);
				return p !== undefined && needle.every((n) => this.holds(p, n));
			});
		}
		const inTitle = new Set(this.index.candidates(terms, { titleOnly: true }));
		const { order, rankOf } = this.ranking();
		// A number per match that sorts as the results do: title matches first, then by votes.
		const scores: number[] = [];
		for (const id of ids) {
			const r = rankOf.get(id);
			if (r !== undefined) scores.push(inTitle.has(id) ? r : order.length + r);
		}
		const offset = Math.max(0, opts.offset ?? 0);
		const limit = Math.max(0, opts.limit ?? 10);
		const page = topK(scores, offset + limit, (a, b) => a - b).slice(offset);
		return { total: scores.length, results: page.map((s) => order[s % order.length] as ArchivedPaper) };
	}

	/**
	 * Whether the paper's normalised text holds the Hangul word `n`. Hangul has no case and
	 * every field separator is not Hangul, so for text NFKC leaves alone a plain substring test
	 * per field says the same without normalising the whole paper on each query.
	 */
	private holds(p: ArchivedPaper, n: string): boolean {
		if (this.unstableText.has(p.id)) return haystack(p).includes(n);
		return p.title.includes(n) || p.authors.some((a) => a.includes(n)) || p.summary.some((s) => s.text.includes(n) || (s.label?.includes(n) ?? false));
	}

	/** Autocomplete: ids starting with the input, else titles holding its words (the last one as a prefix). */
	suggest(input: string, limit = SUGGEST_LIMIT): ArchivedPaper[] {
		const text = input.trim();
		if (!text) {
			const latest = this.latestDate();
			return latest ? (this.digest(latest)?.papers ?? []).slice(0, limit) : [];
		}
		const exact = this.paper(text);
		const out: ArchivedPaper[] = exact ? [exact] : [];
		if (/^[\d.]+$/.test(text) || /^[a-z-]+(\.[a-z]{2})?\//i.test(text)) {
			const ids = (this.sortedIds ??= [...this.papers.keys()].sort());
			for (let i = lowerBound(ids, text); i < ids.length && out.length < limit; i++) {
				const id = ids[i] ?? '';
				if (!id.startsWith(text)) break;
				const p = this.papers.get(id);
				if (p && p !== exact) out.push(p);
			}
			return out;
		}
		const terms = words(text);
		if (terms.length === 0) return out;
		this.flush();
		const { order, rankOf } = this.ranking();
		const ranks: number[] = [];
		for (const id of this.index.candidates(terms, { titleOnly: true, prefixLast: true })) {
			const r = rankOf.get(id);
			if (r !== undefined && order[r] !== exact) ranks.push(r);
		}
		const hits = topK(ranks, limit - out.length, (a, b) => a - b).map((r) => order[r] as ArchivedPaper);
		return [...out, ...hits].slice(0, limit);
	}

	problems(): Problem[] {
		const out: Problem[] = [];
		for (const file of this.files()) out.push(...(this.results.get(file)?.problems ?? []));
		for (const date of [...this.dayProblems.keys()].sort()) out.push(...(this.dayProblems.get(date) ?? []));
		return out;
	}

	digests(): { file: string; date: string; papers: string[] }[] {
		const out: { file: string; date: string; papers: string[] }[] = [];
		for (const file of this.files()) {
			const d = this.results.get(file)?.digest;
			if (d) out.push({ file, date: d.date, papers: d.papers.map((p) => p.id) });
		}
		return out;
	}

	stats(): { files: number; digests: number; papers: number } {
		return { files: this.results.size, digests: this.dayPapers.size, papers: this.papers.size };
	}

	private require(id: string): ArchivedPaper {
		const p = this.papers.get(id);
		if (!p) throw new Error(`archive out of step: ${id} has appearances but no entry`);
		return p;
	}

	private onDay(p: Paper, date: string): ArchivedPaper {
		return archived(p, date, this.papers.get(p.id)?.dates ?? [date]);
	}

	private unlinkFile(date: string, file: string): void {
		const list = (this.filesByDate.get(date) ?? []).filter((f) => f !== file);
		if (list.length > 0) this.filesByDate.set(date, list);
		else this.filesByDate.delete(date);
	}

	private rebuildDay(date: string): void {
		const files = this.filesByDate.get(date) ?? [];
		const merged: Paper[] = [];
		const seen = new Set<string>();
		for (const file of files) {
			for (const p of this.results.get(file)?.digest?.papers ?? []) {
				if (seen.has(p.id)) continue;
				seen.add(p.id);
				merged.push(p);
			}
		}
		const problems: Problem[] = [];
		const [first, ...others] = files;
		for (const other of others) {
			problems.push({
				file: other,
				line: 0,
				level: 'warning',
				message: `holds the digest for ${date}, as does ${first}; their papers are merged by id`,
			});
		}
		const old = this.dayPapers.get(date) ?? [];
		const touched = new Set<string>([...old.map((p) => p.id), ...seen]);
		if (files.length === 0) {
			this.dayPapers.delete(date);
			this.dayProblems.delete(date);
		} else {
			this.dayPapers.set(date, merged);
			if (problems.length > 0) this.dayProblems.set(date, problems);
			else this.dayProblems.delete(date);
		}
		for (const p of old) this.appearances.get(p.id)?.delete(date);
		for (const p of merged) {
			let apps = this.appearances.get(p.id);
			if (!apps) {
				apps = new Map();
				this.appearances.set(p.id, apps);
			}
			apps.set(date, p);
		}
		for (const id of touched) this.refreshPaper(id);
		this.sortedDates = null;
		this.allTime = null;
		this.ranked = null;
	}

	private refreshPaper(id: string): void {
		const apps = this.appearances.get(id);
		if (!apps || apps.size === 0) {
			this.appearances.delete(id);
			if (this.papers.delete(id)) this.sortedIds = null;
			this.dirty.add(id);
			return;
		}
		const dates = apps.size === 1 ? [...apps.keys()] : [...apps.keys()].sort().reverse();
		const newest = dates[0] ?? '';
		const source = apps.get(newest);
		if (!source) return;
		if (!this.papers.has(id)) this.sortedIds = null;
		this.papers.set(id, archived(source, newest, dates));
		this.dirty.add(id);
	}

	/**
	 * Indexes up to `max` papers changed since the last query; true while more wait. The loader
	 * spreads this over event-loop turns after a scan, so start-up does not wait for the index
	 * and a query meanwhile finishes what is left itself.
	 */
	indexSome(max: number): boolean {
		let done = 0;
		for (const id of this.dirty) {
			if (done++ >= max) return true;
			this.indexPaper(id);
			this.dirty.delete(id);
		}
		this.ranking();
		return false;
	}

	/** Indexes the papers changed since the last query, once each, however many files touched them. */
	private flush(): void {
		for (const id of this.dirty) this.indexPaper(id);
		this.dirty.clear();
	}

	private indexPaper(id: string): void {
		const p = this.papers.get(id);
		this.unstableText.delete(id);
		if (!p) {
			this.index.remove(id);
			return;
		}
		const body = `${p.authors.join(' ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`;
		this.index.set(id, { title: p.title, body });
		if (!nfkcStable(p.title) || !nfkcStable(body)) this.unstableText.add(id);
	}

	/** Every paper by its own votes (newest first among equals), and each id's place in that order. */
	private ranking(): { order: ArchivedPaper[]; rankOf: Map<string, number> } {
		if (!this.ranked) {
			const order = [...this.papers.values()].sort(byVotesThenNewest);
			this.ranked = { order, rankOf: new Map(order.map((p, i) => [p.id, i])) };
		}
		return this.ranked;
	}

	/** The paper as it appeared on its best-voted day (the newest among equals). */
	private bestAppearance(p: ArchivedPaper): ArchivedPaper {
		let date = p.date;
		let best: Paper | undefined;
		for (const [d, app] of this.appearances.get(p.id) ?? []) {
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
		if (!this.allTime) {
			this.allTime = [...this.papers.values()].map((p) => this.bestAppearance(p)).sort(byVotesThenNewest);
		}
		return this.allTime;
	}
}
