import { indexKeys, isHangul, keysOf } from './tokens.ts';

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
	private vocab: string[] | null = null;
	private titleVocab: string[] | null = null;
	private dead = 0;

	get size(): number {
		return this.docOf.size;
	}

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
		const map = opts.titleOnly ? this.titles : this.all;
		let acc: Set<number> | null = null;
		for (let t = 0; t < terms.length; t++) {
			const term = terms[t] ?? '';
			const prefix = (opts.prefixLast === true && t === terms.length - 1) || (!isHangul(term) && term.length >= 3);
			const docs = this.docsForTerm(map, term, prefix, opts.titleOnly === true);
			if (acc === null) acc = docs;
			else {
				const next = new Set<number>();
				for (const d of docs) if (acc.has(d)) next.add(d);
				acc = next;
			}
			if (acc.size === 0) break;
		}
		const out: string[] = [];
		for (const d of acc ?? []) {
			const id = this.owner[d];
			if (id != null) out.push(id);
		}
		return out;
	}

	private docsForTerm(map: Map<string, Postings>, term: string, prefix: boolean, titleOnly: boolean): Set<number> {
		const out = new Set<number>();
		const add = (p: Postings | undefined) => {
			if (!p) return;
			for (let i = 0; i < p.size; i++) out.add(p.docs[i] ?? -1);
		};
		if (isHangul(term)) {
			if (term.length === 1) {
				// One syllable: every key that contains it.
				for (const key of this.sortedVocab(titleOnly)) if (key.includes(term)) add(map.get(key));
				return out;
			}
			const keys = keysOf(term);
			let acc: Set<number> | null = null;
			for (const k of keys) {
				const docs = new Set<number>();
				const p = map.get(k);
				if (p) for (let i = 0; i < p.size; i++) docs.add(p.docs[i] ?? -1);
				if (acc === null) acc = docs;
				else {
					const next = new Set<number>();
					for (const d of docs) if (acc.has(d)) next.add(d);
					acc = next;
				}
				if (acc.size === 0) break;
			}
			return acc ?? out;
		}
		if (!prefix) {
			add(map.get(term));
			return out;
		}
		const vocab = this.sortedVocab(titleOnly);
		let i = lowerBound(vocab, term);
		let expanded = 0;
		while (i < vocab.length && (vocab[i] ?? '').startsWith(term) && expanded < MAX_PREFIX_EXPANSION) {
			add(map.get(vocab[i] ?? ''));
			i += 1;
			expanded += 1;
		}
		return out;
	}

	private post(map: Map<string, Postings>, keys: Set<string>, doc: number, which: 'title' | 'all'): void {
		for (const k of keys) {
			let p = map.get(k);
			if (!p) {
				p = new Postings();
				map.set(k, p);
				if (which === 'title') this.titleVocab = null;
				else this.vocab = null;
			}
			p.push(doc);
		}
	}

	private sortedVocab(titleOnly: boolean): string[] {
		if (titleOnly) return (this.titleVocab ??= [...this.titles.keys()].sort());
		return (this.vocab ??= [...this.all.keys()].sort());
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
		this.vocab = null;
		this.titleVocab = null;
		this.dead = 0;
	}
}

export function lowerBound(sorted: string[], key: string): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((sorted[mid] ?? '') < key) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
