import { isHangul, keysOf, queryTerms, words } from './tokens.ts';

/*
 * Conditions a search ranks by, at most (compounds first, then title words): a tier is one
 * combination of them held or not, so each one more doubles the full-text queries a page may
 * take. Words past these are still required, only not weighed.
 */
const RANKED = 4;

/** What a search asks the full-text table: every match, and the same matches tier by tier, best first. */
export interface SearchPlan {
	all: string;
	tiers: string[];
}

/*
 * What marks a title's keys in the full-text table: a character no key holds (keys are letters
 * and digits) and the tokenizer keeps. "_model" is then a key of its own, listing only titles,
 * where a column filter on "model" would read the positions of every summary holding it.
 */
export const TITLE_MARK = '_';

/**
 * One term as the full-text table reads it, as a title's key when `title`. A Hangul word is
 * never a prefix: two syllables are a key, a longer word the phrase of its bigrams, and one
 * syllable stands for the keys it begins. Other words are keys, or prefixes when `prefix`.
 */
function requirement(term: string, prefix: boolean, title = false): string {
	const quoted = (keys: string[]) => `"${keys.map((k) => (title ? TITLE_MARK + k : k)).join(' ')}"`;
	if (isHangul(term)) return term.length === 1 ? `${quoted([term])}*` : quoted(keysOf(term));
	return prefix ? `${quoted([term])}*` : quoted([term]);
}

/** A search's word: a Latin word of three letters or more also finds the words it begins ("diffusion" finds "diffusion-based"). */
const searched = (term: string, title = false) => requirement(term, !isHangul(term) && term.length >= 3, title);

/** Every term required; `prefixLast` lets the last match as a word's start, as autocomplete types. */
function expression(terms: readonly string[], prefixLast: boolean, title = false): string {
	return terms.map((t, i) => (prefixLast && i === terms.length - 1 ? requirement(t, true, title) : searched(t, title))).join(' AND ');
}

/** Every way to choose `k` of `items`, each with the rest. */
function choose<T>(items: readonly T[], k: number): { chosen: T[]; rest: T[] }[] {
	if (k === 0) return [{ chosen: [], rest: [...items] }];
	if (items.length < k) return [];
	const [first, ...others] = items as [T, ...T[]];
	return [
		...choose(others, k - 1).map((c) => ({ chosen: [first, ...c.chosen], rest: c.rest })),
		...choose(others, k).map((c) => ({ chosen: c.chosen, rest: [first, ...c.rest] })),
	];
}

/**
 * A query's matches and its tiers, in the order results are ranked: papers holding the Hangul
 * words typed apart as one compound first (what "강화 학습" means, not "트레이닝을 강화 … 학습"),
 * then the more of the words the title holds. Within a tier the index's own order ranks them
 * (votes, then the later entry; see `searchKey`), so a page is read off the top of a tier rather
 * than by scoring every match of a broad word. Null when the query has no word.
 */
export function searchPlan(query: string): SearchPlan | null {
	const terms = words(query);
	if (terms.length === 0) return null;
	const all = expression(terms, false);
	const distinct = [...new Set(terms)];
	const compounds = queryTerms(query)
		.filter((t) => isHangul(t) && !distinct.includes(t))
		.slice(0, RANKED)
		.map((c) => requirement(c, false));
	const titles = distinct.slice(0, RANKED - compounds.length).map((t) => searched(t, true));
	const tiers: string[] = [];
	for (let missing = 0; missing <= compounds.length; missing++)
		for (let held = titles.length; held >= 0; held--) {
			const leaves = choose(compounds, compounds.length - missing).flatMap((c) =>
				choose(titles, held).map((t) => {
					const present = [all, ...c.chosen, ...t.chosen].map((x) => `(${x})`).join(' AND ');
					return [...c.rest, ...t.rest].reduce((kept, x) => `(${kept}) NOT (${x})`, present);
				}),
			);
			tiers.push(leaves.map((l) => `(${l})`).join(' OR '));
		}
	return { all, tiers };
}

/** Autocomplete's match: titles holding the input's words, the last one as a prefix. Null when it has no word. */
export function suggestMatch(text: string): string | null {
	const terms = words(text);
	return terms.length === 0 ? null : expression(terms, true, true);
}
