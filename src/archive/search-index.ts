import { indexKeys, isHangul, keysOf } from './tokens.ts';
import { Vocabulary } from './vocabulary.ts';

export { lowerBound } from './vocabulary.ts';

/** A growable list of document numbers; typed storage keeps a ten-year index small. */
class Postings {
	docs = new Int32Array(4);
	size = 0;
	push(doc: number): void {
		if (this.size === this.docs.length) {
			const next = new Int32Array(this.docs.length * 2);
			next.set(this.docs);
			this.docs = next;
		}
		this.docs[this.size++] = doc;
	}
}

export interface IndexedFields {
	title: string;
	body: string;
}

const MAX_PREFIX_EXPANSION = 5000;

/**
 * Inverted index from keys to documents. A changed paper gets a new document number and its
 * old one is marked dead, so an update never rewrites the posting lists it left.
 */
export class SearchIndex {
	private readonly all = new Map<string, Postings>();
	private readonly titles = new Map<string, Postings>();
	private readonly owner: (string | null)[] = [];
	private readonly docOf = new Map<string, number>();
	/** Non-Hangul keys, for prefix look-ups; a Hangul term is looked up by its bigrams, never as a prefix. */
	private readonly words = new Vocabulary();
	private readonly titleWords = new Vocabulary();
	private dead = 0;

	set(id: string, fields: IndexedFields): void {
		this.remove(id);
		const doc = this.owner.length;
		this.owner.push(id);
		this.docOf.set(id, doc);
		const titleKeys = indexKeys(fields.title);
		const allKeys = indexKeys(fields.body, new Set(titleKeys));
		this.post(this.titles, titleKeys, doc, 'title');
		this.post(this.all, allKeys, doc, 'all');
	}

	remove(id: string): void {
		const doc = this.docOf.get(id);
		if (doc === undefined) return;
		this.owner[doc] = null;
		this.docOf.delete(id);
		this.dead += 1;
		if (this.dead > 10_000 && this.dead > this.owner.length / 2) this.compact();
	}

	/**
	 * Ids of documents holding every term (title-only when `titleOnly`). `prefixLast` lets the
	 * last term match as a word prefix, for autocomplete. Candidates may over-match Hangul
	 * words longer than two syllables; the caller checks those against the text.
	 */
	candidates(terms: string[], opts: { titleOnly?: boolean; prefixLast?: boolean } = {}): string[] {
		const titleOnly = opts.titleOnly === true;
		const map = titleOnly ? this.titles : this.all;
		// Each requirement is a union of posting lists; a document must meet all of them.
		const requirements: Postings[][] = [];
		for (let t = 0; t < terms.length; t++) {
			const term = terms[t] ?? '';
			const prefix = (opts.prefixLast === true && t === terms.length - 1) || (!isHangul(term) && term.length >= 3);
			requirements.push(...this.requirementsFor(map, term, prefix, titleOnly));
		}
		if (requirements.length === 0 || requirements.some((r) => r.length === 0) || requirements.length > 60_000) return [];
		// Counting in a typed array beats building sets: a document's count rises only when it
		// met every earlier requirement, so a duplicate in one union cannot count twice.
		const hits = new Uint16Array(this.owner.length);
		for (let r = 0; r < requirements.length; r++) {
			for (const p of requirements[r] ?? []) {
				const docs = p.docs;
				for (let i = 0; i < p.size; i++) {
					const d = docs[i] ?? 0;
					if (hits[d] === r) hits[d] = r + 1;
				}
			}
		}
		const out: string[] = [];
		const need = requirements.length;
		for (let d = 0; d < hits.length; d++) {
			if (hits[d] !== need) continue;
			const id = this.owner[d];
			if (id != null) out.push(id);
		}
		return out;
	}

	private requirementsFor(map: Map<string, Postings>, term: string, prefix: boolean, titleOnly: boolean): Postings[][] {
		const one = (key: string): Postings[] => {
			const p = map.get(key);
			return p ? [p] : [];
		};
		if (isHangul(term)) {
			if (term.length === 1) {
				// One syllable: every key that contains it (in any order: a union is a set).
				const union: Postings[] = [];
				for (const [key, p] of map) if (key.includes(term)) union.push(p);
				return [union];
			}
			return keysOf(term).map(one);
		}
		if (!prefix) return [one(term)];
		const union: Postings[] = [];
		for (const key of (titleOnly ? this.titleWords : this.words).withPrefix(term)) {
			if (union.length >= MAX_PREFIX_EXPANSION) break;
			union.push(...one(key));
		}
		return [union];
	}

	private post(map: Map<string, Postings>, keys: Set<string>, doc: number, which: 'title' | 'all'): void {
		for (const k of keys) {
			let p = map.get(k);
			if (!p) {
				p = new Postings();
				map.set(k, p);
				if (!isHangul(k)) (which === 'title' ? this.titleWords : this.words).add(k);
			}
			p.push(doc);
		}
	}

	/** Sorts the vocabulary's waiting buckets until `deadline`, so queries find them in order; true while some still wait. */
	tidy(deadline: number): boolean {
		return this.words.tidy(deadline) || this.titleWords.tidy(deadline);
	}

	private compact(): void {
		for (const map of [this.all, this.titles]) {
			for (const [key, p] of map) {
				let w = 0;
				for (let i = 0; i < p.size; i++) {
					const d = p.docs[i] ?? -1;
					if (this.owner[d] != null) p.docs[w++] = d;
				}
				p.size = w;
				if (w === 0) map.delete(key);
			}
		}
		for (const [map, words] of [
			[this.all, this.words],
			[this.titles, this.titleWords],
		] as const) {
			words.clear();
			for (const key of map.keys()) if (!isHangul(key)) words.add(key);
		}
		this.dead = 0;
	}
}

/**
 * The first `k` items in `cmp` order, as a stable sort would put them, without sorting the
 * rest: a search that matches thousands of papers shows ten.
 */
export function topK<T>(items: readonly T[], k: number, cmp: (a: T, b: T) => number): T[] {
	if (k <= 0) return [];
	if (k * 8 >= items.length) return [...items].sort(cmp).slice(0, k);
	const out: T[] = [];
	for (const item of items) {
		if (out.length === k && cmp(item, out[k - 1] as T) >= 0) continue;
		// After any equal item, as a stable sort keeps them.
		let lo = 0;
		let hi = out.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (cmp(out[mid] as T, item) <= 0) lo = mid + 1;
			else hi = mid;
		}
		out.splice(lo, 0, item);
		if (out.length > k) out.pop();
	}
	return out;
}
