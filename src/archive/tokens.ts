// Hangul is written without spaces inside compounds ("언어모델은"), so a word is indexed by its
// character bigrams; every other script by whole words. A Hangul run also ends a Latin word, so the
// particle in "AI를" or "GPT-4o의" leaves "ai" and "4o" to be found on their own.
const RUNS = /\p{Script=Hangul}+|(?:(?!\p{Script=Hangul})[\p{L}\p{N}])+/gu;
const HANGUL = /^\p{Script=Hangul}/u;

export function normalise(text: string): string {
	return text.normalize('NFKC').toLowerCase();
}

/** True when NFKC leaves the text as it is (V8 returns the same string then, so this costs one quick check). */
export function nfkcStable(text: string): boolean {
	return text.normalize('NFKC') === text;
}

export function isHangul(term: string): boolean {
	return HANGUL.test(term);
}

/** The words of a query or a document: Hangul runs and other letter/digit runs, lower case. */
export function words(text: string): string[] {
	return normalise(text).match(RUNS) ?? [];
}

/** The index keys of one word: itself, or its bigrams when it is Hangul and longer than one syllable. */
export function keysOf(word: string): string[] {
	if (!isHangul(word) || word.length <= 2) return [word];
	const out: string[] = [];
	for (let i = 0; i + 2 <= word.length; i++) out.push(word.slice(i, i + 2));
	return out;
}

/** Two Hangul syllables with only spaces between them: where Korean spacing may go either way. */
const SPACED_HANGUL = /(\p{Script=Hangul})[ \t\u00a0]+(?=(\p{Script=Hangul}))/gu;

/**
 * Every distinct index key of a text. Across a space between two Hangul words the bigram is
 * indexed too ("강화 학습" also gives "화학"), so a compound typed without the space finds it.
 */
export function indexKeys(text: string, into: Set<string> = new Set()): Set<string> {
	const norm = normalise(text);
	for (const w of norm.match(RUNS) ?? []) for (const k of keysOf(w)) into.add(k);
	if (HANGUL_ANYWHERE.test(norm)) for (const m of norm.matchAll(SPACED_HANGUL)) into.add(`${m[1]}${m[2]}`);
	return into;
}

const HANGUL_ANYWHERE = /\p{Script=Hangul}/u;

/** The text with the spaces between Hangul words taken out: "강화 학습" reads as "강화학습". */
export function squeezeHangul(text: string): string {
	return text.replace(SPACED_HANGUL, '$1');
}

const spacedPatterns = new Map<string, RegExp>();

/**
 * Whether the text holds the Hangul word with or without spaces inside it ("강화학습" in "강화 학습").
 * A pattern with optional spaces between the syllables, kept per word: it scans the text once,
 * without making a squeezed copy of it.
 */
export function holdsSpaced(text: string, word: string): boolean {
	if (text.includes(word)) return true;
	let re = spacedPatterns.get(word);
	if (!re) {
		re = new RegExp([...word].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[ \\t\\u00a0]*'), 'u');
		if (spacedPatterns.size > 1_000) spacedPatterns.clear();
		spacedPatterns.set(word, re);
	}
	return re.test(text);
}

/**
 * A query's terms: its words, with Hangul words typed apart joined into one ("강화 학습" is
 * "강화학습"), since Korean spacing varies between writers and the same compound is meant.
 */
export function queryTerms(query: string): string[] {
	const norm = normalise(query);
	const out: string[] = [];
	let end = -1;
	for (const m of norm.matchAll(RUNS)) {
		const w = m[0];
		const start = m.index ?? 0;
		const last = out.at(-1);
		if (last !== undefined && isHangul(last) && isHangul(w) && /^[ \t\u00a0]+$/.test(norm.slice(end, start))) out[out.length - 1] = last + w;
		else out.push(w);
		end = start + w.length;
	}
	return out;
}

/**
 * A text's index keys in the order they occur, space-separated: what the full-text index is fed.
 * The order matters there: a Hangul word longer than two syllables is looked up as the phrase of
 * its bigrams, so "모델링" needs "모델" then "델링" side by side, which "모링델" does not give. The
 * bigram across a space between Hangul words sits between the two words' keys, so "강화 학습"
 * gives "강화 화학 학습", the same keys "강화학습" gives.
 */
export function keyStream(text: string): string {
	const norm = normalise(text);
	const out: string[] = [];
	let prev = '';
	let prevEnd = -1;
	for (const m of norm.matchAll(RUNS)) {
		const w = m[0];
		const start = m.index ?? 0;
		if (prev && isHangul(prev) && isHangul(w) && /^[ \t\u00a0]+$/.test(norm.slice(prevEnd, start))) out.push(`${prev.slice(-1)}${w.slice(0, 1)}`);
		for (const k of keysOf(w)) out.push(k);
		prev = w;
		prevEnd = start + w.length;
	}
	return out.join(' ');
}
