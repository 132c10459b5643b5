import type { ArchivedPaper } from '../digest/schema.ts';
import { archived, fromJson, type Days, type StoredPaper } from './days.ts';
import { TITLE_MARK, searchPlan, suggestMatch } from './search-plan.ts';
import { votesKey } from './stored-paper.ts';
import { keyStream } from './tokens.ts';

export const SUGGEST_LIMIT = 25;

type Row = { date: string; dates: string; paper: string };
const EMPTY = { total: 0, results: [] as ArchivedPaper[] };

/*
 * A full-text row's number is the paper's rank: its votes, then its entry's row number (a paper
 * first read later, from a later day as files are read in order, ranks first among equal votes),
 * so the table hands a query's matches best first and a page is its first rows, however many a
 * broad word matches. Both fit in a safe integer.
 */
const N_SPAN = 2 ** 26;
const VOTES_CAP = 2 ** 21 - 1;

/** The full-text row number of entry `n`, a paper with `votes`. */
export function searchKey(votes: number | null, n: number): number {
	if (n < 0 || n >= N_SPAN) throw new RangeError(`paper row ${n} is past the search index's ${N_SPAN} rows`);
	// One more than the index's votes, so a paper without a count (-1) ranks below a count of 0; past two million, ties.
	return Math.min(VOTES_CAP, votesKey(votes) + 1) * N_SPAN + n;
}

/** The entry row a full-text row number stands for. */
export function entryOf(key: number): number {
	return key % N_SPAN;
}

function body(p: StoredPaper): string {
	return `${p.authors.join(' ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`;
}

/** Keeps the full-text table in step with the papers, inside each change's transaction: on whichever connection writes. */
export function feedWords(days: Days): void {
	const insert = days.db.prepare('INSERT INTO words (rowid, title, body, marks) VALUES (?, ?, ?, ?)');
	const remove = days.db.prepare('DELETE FROM words WHERE rowid = ?');
	days.onPaper((events) => {
		const keyed = events.map(([n, now, before]) => ({ now, before, from: before && searchKey(before.votes, n), to: now && searchKey(now.votes, n) }));
		// Rising row numbers, as the table keeps them pending in one segment (see Days.flush).
		keyed.sort((x, y) => (x.to ?? x.from ?? 0) - (y.to ?? y.from ?? 0));
		for (const { now, before, from, to } of keyed) {
			// New votes are a new rank; another day's appearance with the same votes and words leaves the row as it was.
			if (now && before && from === to && now.title === before.title && body(now) === body(before)) continue;
			if (from !== null) remove.run(from);
			if (!now) continue;
			const title = keyStream(now.title);
			insert.run(to, title, keyStream(body(now)), title.replace(/(^| )(?=\S)/g, `$1${TITLE_MARK}`));
		}
	});
}

const toPaper = (r: Row): ArchivedPaper => archived(fromJson(r.paper), r.date, JSON.parse(r.dates) as string[]);

/**
 * Search and autocomplete over the papers' words, in the index's full-text table. It is fed
 * the project's own keys (Hangul by bigrams, other scripts by words; see keyStream) as each
 * paper's entry changes, inside the same transaction (`feedWords`), so it is always complete:
 * nothing waits to be indexed and a search never sees a half-read file.
 */
export class Search {
	private readonly q;

	constructor(days: Days) {
		const p = (sql: string) => days.db.prepare(sql);
		this.q = {
			count: p('SELECT count(*) FROM words WHERE words MATCH ?').pluck(),
			page: p('SELECT rowid FROM words WHERE words MATCH ? ORDER BY rowid DESC LIMIT ?').pluck(),
			byId: p('SELECT date, dates, paper FROM papers WHERE id >= ? AND id < ? ORDER BY id LIMIT ?'),
			byN: p('SELECT date, dates, paper FROM papers WHERE n = ?'),
		};
	}

	/**
	 * Papers whose title, authors or summary hold every word of the query, a Hangul word whether
	 * the text spaces it or not ("강화학습" finds "강화 학습" too), ranked as `searchPlan` says.
	 */
	search(query: string, opts: { limit?: number; offset?: number } = {}): { total: number; results: ArchivedPaper[] } {
		const plan = searchPlan(query);
		if (plan === null) return EMPTY;
		const total = this.q.count.get(plan.all) as number;
		const limit = Math.max(0, opts.limit ?? 10);
		let skip = Math.max(0, opts.offset ?? 0);
		if (skip >= total) return { total, results: [] };
		const keys: number[] = [];
		for (const tier of plan.tiers) {
			const need = limit - keys.length;
			if (need <= 0) break;
			// The rows before the page are read as numbers only: cheaper than counting the tier first.
			const rows = this.q.page.all(tier, skip + need) as number[];
			keys.push(...rows.slice(skip));
			skip = Math.max(0, skip - rows.length);
		}
		return { total, results: this.papers(keys) };
	}

	/**
	 * Autocomplete: ids starting with the input, else titles holding its words (the last one as a
	 * prefix), best first. `exact` is the paper the input names outright, if any; it leads the list.
	 */
	suggest(text: string, exact: ArchivedPaper | undefined, limit: number): ArchivedPaper[] {
		const out: ArchivedPaper[] = exact ? [exact] : [];
		if (/^[\d.]+$/.test(text) || /^[a-z-]+(\.[a-z]{2})?\//i.test(text)) {
			for (const p of (this.q.byId.all(text, `${text}\uffff`, limit + 1) as Row[]).map(toPaper)) if (p.id !== exact?.id && out.length < limit) out.push(p);
			return out;
		}
		const match = suggestMatch(text);
		if (match === null) return out;
		const hits = this.papers(this.q.page.all(match, limit + 1) as number[]);
		return [...out, ...hits.filter((p) => p.id !== exact?.id)].slice(0, limit);
	}

	/**
	 * The papers of a page, read once it is chosen: the full-text table hands row numbers alone,
	 * not the JSON of every paper a broad word matches.
	 */
	private papers(keys: number[]): ArchivedPaper[] {
		return keys.map((k) => this.q.byN.get(entryOf(k)) as Row | undefined).flatMap((r) => (r ? [toPaper(r)] : []));
	}
}
