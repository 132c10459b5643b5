import type { ArchivedPaper } from '../digest/schema.ts';
import type { ArchiveChange, Days } from './days.ts';
import type { Ranking } from './ranking.ts';
import { SearchIndex, lowerBound, topK } from './search-index.ts';
import { holdsSpaced, isHangul, nfkcStable, normalise, queryTerms, words } from './tokens.ts';

export const SUGGEST_LIMIT = 25;

/**
 * Indexing done per event-loop turn before it yields: a few milliseconds, so a build of ten
 * years of papers never holds up an interaction, a heartbeat or a timer for long.
 */
export const INDEX_SLICE_MS = 4;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function haystack(p: ArchivedPaper): string {
	return normalise(`${p.title}\n${p.authors.join(', ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`);
}

/**
 * Search and autocomplete over the papers' words. A changed paper is only marked: it is
 * (re)indexed by `indexSome` or `whenReady` in slices between other work, or at once by a
 * synchronous query, once however many files touched it.
 */
export class Search {
	private readonly index = new SearchIndex();
	private readonly dirty = new Set<string>();
	/** Papers whose text NFKC would change (rare: compatibility forms, decomposed jamo); search normalises those in full. */
	private readonly unstableText = new Set<string>();
	private sortedIds: string[] | null = null;
	private building: Promise<void> | null = null;

	constructor(
		private readonly days: Days,
		private readonly ranking: Ranking,
	) {}

	invalidate(change: ArchiveChange): void {
		for (const id of change.papers) {
			this.dirty.add(id);
			// The id list only changes when a paper comes or goes, not when one is edited.
			if (this.sortedIds && this.listed(id) !== (this.days.paper(id) !== undefined)) this.sortedIds = null;
		}
	}

	/** True when no changed paper waits to be indexed: a query now answers from the whole archive at once. */
	ready(): boolean {
		return this.dirty.size === 0;
	}

	/** Resolves once no changed paper waits, indexing what is left in slices that yield to the event loop. */
	whenReady(): Promise<void> {
		if (this.ready()) return Promise.resolve();
		this.building ??= (async () => {
			try {
				while (this.indexSome(Number.POSITIVE_INFINITY)) await nextTurn();
			} finally {
				this.building = null;
			}
		})();
		return this.building;
	}

	/**
	 * Papers whose title, authors or summary hold every word of the query, a Hangul word whether
	 * the text spaces it or not ("강화학습" finds "강화 학습" too). Ranked: papers holding the Hangul
	 * words typed apart as one compound first (what "강화 학습" means, not "트레이닝을 강화 … 학습"),
	 * then the more of the words the title holds, then votes. Indexes whatever is left first, in
	 * one go: for one-shot tools and tests; the bot waits for `whenReady` instead.
	 */
	search(query: string, opts: { limit?: number; offset?: number } = {}): { total: number; results: ArchivedPaper[] } {
		const terms = words(query);
		if (terms.length === 0) return { total: 0, results: [] };
		this.flush();
		let ids = this.index.candidates(terms);
		const needle = terms.filter((t) => isHangul(t) && t.length > 2);
		if (needle.length > 0) {
			// Bigrams over-match a longer Hangul word ("모델링" vs "모링델"); confirm against the text.
			ids = ids.filter((id) => {
				const p = this.days.paper(id);
				return p !== undefined && needle.every((n) => this.holds(p, n));
			});
		}
		const distinct = new Set(terms);
		// Papers holding each compound: looked for among the compound's own candidates (its bigrams,
		// the one across the space included), far fewer than the papers holding its words apart.
		const compounds = queryTerms(query)
			.filter((t) => isHangul(t) && !distinct.has(t))
			.map((c) => new Set(this.index.candidates([c]).filter((id) => this.holdsId(id, c))));
		// How many of the query's terms each title holds: a title match counts for more than the summary's.
		const titleHits = new Map<string, number>();
		for (const term of distinct) for (const id of this.index.candidates([term], { titleOnly: true })) titleHits.set(id, (titleHits.get(id) ?? 0) + 1);
		const { order, rankOf } = this.ranking.order();
		// A number per match that sorts as the results do: compounds missing, then terms missing from the title, then votes.
		const scores: number[] = [];
		for (const id of ids) {
			const r = rankOf.get(id);
			if (r === undefined) continue;
			const compoundsMissing = compounds.filter((c) => !c.has(id)).length;
			const titleMissing = distinct.size - Math.min(distinct.size, titleHits.get(id) ?? 0);
			scores.push((compoundsMissing * (distinct.size + 1) + titleMissing) * order.length + r);
		}
		const offset = Math.max(0, opts.offset ?? 0);
		const limit = Math.max(0, opts.limit ?? 10);
		const page = topK(scores, offset + limit, (a, b) => a - b).slice(offset);
		return { total: scores.length, results: page.map((s) => order[s % order.length] as ArchivedPaper) };
	}

	/**
	 * Autocomplete: ids starting with the input, else titles holding its words (the last one as a
	 * prefix). `exact` is the paper the input names outright, if any; it leads the list. With
	 * `soFar`, titles come from the papers indexed so far and nothing is indexed now: what
	 * autocomplete, which cannot wait, answers while the index is being built.
	 */
	suggest(text: string, exact: ArchivedPaper | undefined, limit: number, opts: { soFar?: boolean } = {}): ArchivedPaper[] {
		const out: ArchivedPaper[] = exact ? [exact] : [];
		if (/^[\d.]+$/.test(text) || /^[a-z-]+(\.[a-z]{2})?\//i.test(text)) {
			const ids = this.ids();
			for (let i = lowerBound(ids, text); i < ids.length && out.length < limit; i++) {
				const id = ids[i] ?? '';
				if (!id.startsWith(text)) break;
				const p = this.days.paper(id);
				if (p && p !== exact) out.push(p);
			}
			return out;
		}
		const terms = words(text);
		if (terms.length === 0) return out;
		if (opts.soFar !== true) this.flush();
		const { order, rankOf } = this.ranking.order();
		const ranks: number[] = [];
		for (const id of this.index.candidates(terms, { titleOnly: true, prefixLast: true })) {
			const r = rankOf.get(id);
			if (r !== undefined && order[r] !== exact) ranks.push(r);
		}
		const hits = topK(ranks, limit - out.length, (a, b) => a - b).map((r) => order[r] as ArchivedPaper);
		return [...out, ...hits].slice(0, limit);
	}

	/**
	 * Indexes changed papers, up to `max` of them and for about `budgetMs` (at least one paper);
	 * true while more waits. Called once per event-loop turn after a scan, so start-up does not
	 * wait for the index and nothing else waits long for a slice.
	 */
	indexSome(max: number, budgetMs = INDEX_SLICE_MS): boolean {
		const deadline = performance.now() + budgetMs;
		let done = 0;
		for (const id of this.dirty) {
			if (done >= max || (done > 0 && performance.now() >= deadline)) return true;
			this.indexPaper(id);
			this.dirty.delete(id);
			done += 1;
		}
		// The first query needs the vote order and the sorted vocabulary too: build them here, off
		// the query's clock, in a slice of their own.
		if (done > 0 || this.index.tidy(deadline)) return true;
		this.ranking.order();
		return false;
	}

	/**
	 * Whether the paper's normalised text holds the Hangul word `n`. Hangul has no case and
	 * every field separator is not Hangul, so for text NFKC leaves alone a plain substring test
	 * per field says the same without normalising the whole paper on each query.
	 */
	private holdsId(id: string, n: string): boolean {
		const p = this.days.paper(id);
		return p !== undefined && this.holds(p, n);
	}

	private holds(p: ArchivedPaper, n: string): boolean {
		if (this.unstableText.has(p.id)) return holdsSpaced(haystack(p), n);
		const has = (text: string) => holdsSpaced(text, n);
		return has(p.title) || p.authors.some(has) || p.summary.some((s) => has(s.text) || (s.label != null && has(s.label)));
	}

	private ids(): string[] {
		this.sortedIds ??= [...this.days.papers()].map((p) => p.id).sort();
		return this.sortedIds;
	}

	private listed(id: string): boolean {
		const ids = this.sortedIds ?? [];
		return ids[lowerBound(ids, id)] === id;
	}

	/** Indexes the papers changed since the last query, once each, however many files touched them. */
	private flush(): void {
		for (const id of this.dirty) this.indexPaper(id);
		this.dirty.clear();
	}

	private indexPaper(id: string): void {
		const p = this.days.paper(id);
		this.unstableText.delete(id);
		if (!p) {
			this.index.remove(id);
			return;
		}
		const body = `${p.authors.join(' ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`;
		this.index.set(id, { title: p.title, body });
		if (!nfkcStable(p.title) || !nfkcStable(body)) this.unstableText.add(id);
	}
}
