import type Database from 'better-sqlite3';
import type { ArchivedPaper } from '../digest/schema.ts';
import { archived, fromJson, type Days, type StoredPaper } from './days.ts';
import { isHangul, keyStream, keysOf, queryTerms, words } from './tokens.ts';

export const SUGGEST_LIMIT = 25;

/** Keys a one-syllable Hangul word stands for at most: every key holding it, as a union. */
const MAX_SYLLABLE_KEYS = 200;
/** Statements kept prepared: one per shape of query (how many words, compounds), far fewer in use. */
const STATEMENTS_KEPT = 64;

type Row = { date: string; dates: string; paper: string };
const EMPTY = { total: 0, results: [] as ArchivedPaper[] };

function body(p: StoredPaper): string {
	return `${p.authors.join(' ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`;
}

/** Keeps the full-text table in step with the papers, inside each change's transaction: on whichever connection writes. */
export function feedWords(days: Days): void {
	const insert = days.db.prepare('INSERT INTO words (rowid, title, body) VALUES (?, ?, ?)');
	const remove = days.db.prepare('DELETE FROM words WHERE rowid = ?');
	days.onPaper((n, paper, before) => {
		// New votes or another day's appearance leave the words as they were: most changes do.
		if (paper && before && paper.title === before.title && body(paper) === body(before)) return;
		if (before) remove.run(n);
		if (paper) insert.run(n, keyStream(paper.title), keyStream(body(paper)));
	});
}

const toPaper = (r: Row): ArchivedPaper => archived(fromJson(r.paper), r.date, JSON.parse(r.dates) as string[]);
const quoted = (key: string) => `"${key}"`;

/**
 * Search and autocomplete over the papers' words, in the index's full-text table. It is fed
 * the project's own keys (Hangul by bigrams, other scripts by words; see keyStream) as each
 * paper's entry changes, inside the same transaction (`feedWords`), so it is always complete:
 * nothing waits to be indexed and a search never sees a half-read file.
 */
export class Search {
	private readonly db: Database.Database;
	private readonly statements = new Map<string, Database.Statement>();
	private readonly q;

	constructor(days: Days) {
		this.db = days.db;
		const p = (sql: string) => this.db.prepare(sql);
		this.q = {
			count: p('SELECT count(*) FROM words WHERE words MATCH ?').pluck(),
			holding: p(`SELECT term FROM words_vocab WHERE term LIKE ? LIMIT ${MAX_SYLLABLE_KEYS}`).pluck(),
			byId: p('SELECT date, dates, paper FROM papers WHERE id >= ? AND id < ? ORDER BY id LIMIT ?'),
			byN: p('SELECT date, dates, paper FROM papers WHERE n = ?'),
		};
	}

	/**
	 * Papers whose title, authors or summary hold every word of the query, a Hangul word whether
	 * the text spaces it or not ("강화학습" finds "강화 학습" too). Ranked: papers holding the Hangul
	 * words typed apart as one compound first (what "강화 학습" means, not "트레이닝을 강화 … 학습"),
	 * then the more of the words the title holds, then votes.
	 */
	search(query: string, opts: { limit?: number; offset?: number } = {}): { total: number; results: ArchivedPaper[] } {
		const terms = words(query);
		if (terms.length === 0) return EMPTY;
		const all = this.expression(terms, false);
		if (all === null) return EMPTY;
		const distinct = [...new Set(terms)];
		const compounds = queryTerms(query)
			.filter((t) => isHangul(t) && !distinct.includes(t))
			.map((c) => this.requirement(c, false));
		const titles = distinct.map((t) => this.requirement(t, !isHangul(t) && t.length >= 3));
		const params: (string | number)[] = [all];
		const missing: string[] = [];
		for (const c of compounds) {
			if (c === null) continue;
			missing.push('(p.n NOT IN (SELECT rowid FROM words WHERE words MATCH ?))');
			params.push(c);
		}
		const held: string[] = [];
		for (const t of titles) {
			if (t === null) continue;
			held.push('(p.n IN (SELECT rowid FROM words WHERE words MATCH ?))');
			params.push(`title : (${t})`);
		}
		// A number per match that sorts as the results do: compounds missing, then words missing from the title, then votes.
		const score = `(${missing.join(' + ') || '0'}) * ${distinct.length + 1} - (${held.join(' + ') || '0'})`;
		const sql = `SELECT p.n FROM papers p WHERE p.n IN (SELECT rowid FROM words WHERE words MATCH ?)
			ORDER BY ${score}, p.votes DESC, p.date DESC, p.id LIMIT ? OFFSET ?`;
		const limit = Math.max(0, opts.limit ?? 10);
		const offset = Math.max(0, opts.offset ?? 0);
		const page =
			limit === 0
				? []
				: (this.statement(sql)
						.pluck()
						.all(...params, limit, offset) as number[]);
		return { total: this.q.count.get(all) as number, results: this.papers(page) };
	}

	/**
	 * Autocomplete: ids starting with the input, else titles holding its words (the last one as a
	 * prefix). `exact` is the paper the input names outright, if any; it leads the list.
	 */
	suggest(text: string, exact: ArchivedPaper | undefined, limit: number): ArchivedPaper[] {
		const out: ArchivedPaper[] = exact ? [exact] : [];
		if (/^[\d.]+$/.test(text) || /^[a-z-]+(\.[a-z]{2})?\//i.test(text)) {
			for (const p of (this.q.byId.all(text, `${text}\uffff`, limit + 1) as Row[]).map(toPaper)) if (p.id !== exact?.id && out.length < limit) out.push(p);
			return out;
		}
		const terms = words(text);
		if (terms.length === 0) return out;
		const match = this.expression(terms, true);
		if (match === null) return out;
		const sql = `SELECT p.n FROM papers p WHERE p.n IN (SELECT rowid FROM words WHERE words MATCH ?) AND p.id <> ?
			ORDER BY p.votes DESC, p.date DESC, p.id LIMIT ?`;
		const hits = this.statement(sql)
			.pluck()
			.all(`title : (${match})`, exact?.id ?? '', Math.max(0, limit - out.length)) as number[];
		return [...out, ...this.papers(hits)].slice(0, limit);
	}

	/**
	 * The papers of a page, read once it is chosen: sorting the matches carries their row numbers
	 * alone, not the JSON of every paper a broad word matches.
	 */
	private papers(ns: number[]): ArchivedPaper[] {
		return ns.map((n) => this.q.byN.get(n) as Row | undefined).flatMap((r) => (r ? [toPaper(r)] : []));
	}

	/** Every term required; `prefixLast` lets the last match as a word's start, as autocomplete types. Null when nothing can match. */
	private expression(terms: string[], prefixLast: boolean): string | null {
		const parts: string[] = [];
		for (let i = 0; i < terms.length; i++) {
			const term = terms[i] ?? '';
			const part = this.requirement(term, (prefixLast && i === terms.length - 1) || (!isHangul(term) && term.length >= 3));
			if (part === null) return null;
			parts.push(part);
		}
		return parts.join(' AND ');
	}

	/**
	 * One term as the full-text table reads it. A Hangul word is never a prefix: two syllables
	 * are a key, a longer word the phrase of its bigrams, one syllable any key holding it. Other
	 * words are keys, or prefixes when `prefix`.
	 */
	private requirement(term: string, prefix: boolean): string | null {
		if (isHangul(term)) {
			if (term.length === 1) {
				const keys = this.q.holding.all(`%${term}%`) as string[];
				return keys.length === 0 ? null : `(${keys.map(quoted).join(' OR ')})`;
			}
			return quoted(keysOf(term).join(' '));
		}
		return prefix ? `${quoted(term)}*` : quoted(term);
	}

	private statement(sql: string): Database.Statement {
		let s = this.statements.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			if (this.statements.size >= STATEMENTS_KEPT) this.statements.delete(this.statements.keys().next().value!);
			this.statements.set(sql, s);
		}
		return s;
	}
}
