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

/** Every distinct index key of a text. */
export function indexKeys(text: string, into: Set<string> = new Set()): Set<string> {
	for (const w of words(text)) for (const k of keysOf(w)) into.add(k);
	return into;
}
