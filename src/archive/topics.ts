import type { ArchivedPaper } from '../digest/schema.ts';
import { isHangul, normalise, squeezeHangul, words } from './tokens.ts';

/**
 * A channel's topic filter, matched the way `/search` matches a query: a term (a word or a
 * phrase) fits a paper whose title, authors or summary hold every word of it — whole words,
 * except Hangul, which is written without spaces inside compounds and so is found inside them,
 * with or without the spaces a writer put in them ("강화학습" fits "강화 학습").
 */
export interface TopicFilter {
	include?: readonly string[] | undefined;
	exclude?: readonly string[] | undefined;
}

/** A paper's text as matching reads it: its words, the whole of it, and it with the spaces between Hangul words taken out. */
export interface PaperText {
	words: Set<string>;
	text: string;
	squeezed: string;
}

// Many channels filter the same day's papers: each paper is read once.
const read = new WeakMap<ArchivedPaper, PaperText>();

export function paperText(p: ArchivedPaper): PaperText {
	let got = read.get(p);
	if (!got) {
		const text = normalise(`${p.title}\n${p.authors.join(', ')}\n${p.summary.map((s) => `${s.label ?? ''} ${s.text}`).join('\n')}`);
		got = { words: new Set(words(text)), text, squeezed: squeezeHangul(text) };
		read.set(p, got);
	}
	return got;
}

/** The words of each term; a term with none (only punctuation) is dropped, never "matches all". */
export function termWords(terms: readonly string[]): string[][] {
	return terms.map((t) => words(t)).filter((w) => w.length > 0);
}

/** Whether a paper holds every word of a term (the words of `termWords`): also what a member's follow matches. */
export function fitsTerm(p: ArchivedPaper, term: readonly string[]): boolean {
	const { words: have, text, squeezed } = paperText(p);
	return term.every((w) => (isHangul(w) ? text.includes(w) || squeezed.includes(w) : have.has(w)));
}

/** Whether a paper passes the filter: it fits some `include` term (when there are any) and no `exclude` term. */
export function passesTopics(p: ArchivedPaper, filter: TopicFilter): boolean {
	const include = termWords(filter.include ?? []);
	if (include.length > 0 && !include.some((t) => fitsTerm(p, t))) return false;
	return !termWords(filter.exclude ?? []).some((t) => fitsTerm(p, t));
}

/** Comma-separated terms as typed, trimmed, empty ones dropped, each once. */
export function parseTerms(input: string): string[] {
	return [...new Set(input.split(/[,，、]/).map((t) => t.trim().replace(/\s+/g, ' ')))].filter((t) => t.length > 0);
}
