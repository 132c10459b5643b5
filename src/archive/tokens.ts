// Hangul is written without spaces inside compounds ("언어모델은"), so a word is indexed by its
// character bigrams; every other script by whole words. A Hangul run also ends a Latin word, so the
// particle in "AI를" or "GPT-4o의" leaves "ai" and "4o" to be found on their own.
const RUNS = /\p{Script=Hangul}+|(?:(?!\p{Script=Hangul})[\p{L}\p{N}])+/gu;
const STARTS_HANGUL = /^\p{Script=Hangul}/u;

export function normalise(text: string): string {
	return text.normalize('NFKC').toLowerCase();
}

export function isHangul(term: string): boolean {
	return STARTS_HANGUL.test(term);
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

/** The text with the spaces between Hangul words taken out: "강화 학습" reads as "강화학습". */
export function squeezeHangul(text: string): string {
	return text.replace(SPACED_HANGUL, '$1');
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
	const n = norm.length;
	// At most three units out per unit in: a bigram and its space per Hangul syllable, and a cross-space bigram per space it spans.
	if (out.length < 3 * n + 3) out = new Uint16Array(3 * n + 3);
	let len = 0;
	let i = 0;
	let prevHangul = false;
	let prevEnd = -1;
	/*
	 * One pass over the code points, classed as RUNS classes them, the keys written as code
	 * units into one buffer: the regex, its match objects and a string per key cost five times this.
	 */
	while (i < n) {
		const start = i;
		/*
		 * ASCII and Hangul syllables, nearly every unit, are classed here without a call: the
		 * optimiser does not always inline one (in the bot it did not, and the stream took twice
		 * as long). Only a high surrogate starts a code point of two units.
		 */
		let c = norm.charCodeAt(i);
		const kind = c < 0x80 ? (ASCII_KINDS[c] as Kind) : c >= 0xac00 && c <= 0xd7a3 ? HANGUL : otherKindAt(norm, i);
		i += c >= 0xd800 && c <= 0xdbff ? width(norm, i) : 1;
		if (kind === OTHER) continue;
		while (i < n) {
			c = norm.charCodeAt(i);
			if ((c < 0x80 ? (ASCII_KINDS[c] as Kind) : c >= 0xac00 && c <= 0xd7a3 ? HANGUL : otherKindAt(norm, i)) !== kind) break;
			i += c >= 0xd800 && c <= 0xdbff ? width(norm, i) : 1;
		}
		const hangul = kind === HANGUL;
		if (hangul && prevHangul && onlySpaces(norm, prevEnd, start)) {
			if (len > 0) out[len++] = SPACE;
			out[len++] = norm.charCodeAt(prevEnd - 1);
			out[len++] = norm.charCodeAt(start);
		}
		if (hangul && i - start > 2) {
			for (let j = start; j + 2 <= i; j++) {
				if (len > 0) out[len++] = SPACE;
				out[len++] = norm.charCodeAt(j);
				out[len++] = norm.charCodeAt(j + 1);
			}
		} else {
			if (len > 0) out[len++] = SPACE;
			for (let j = start; j < i; j++) out[len++] = norm.charCodeAt(j);
		}
		prevHangul = hangul;
		prevEnd = i;
	}
	return utf16.decode(out.subarray(0, len));
}

const SPACE = 0x20;
let out = new Uint16Array(4096);
// A run never holds a lone surrogate (it is no letter) nor a byte-order mark, so decoding gives back exactly the units written.
const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });

const OTHER = 0;
const WORD = 1;
const HANGUL = 2;
type Kind = typeof OTHER | typeof WORD | typeof HANGUL;

const IS_HANGUL = /^\p{Script=Hangul}$/u;
const IS_WORD = /^[\p{L}\p{N}]$/u;
/** Each BMP code point's kind plus one, found by the regexes on first sight; zero is not yet seen. */
const bmpKinds = new Uint8Array(0x10000);

function kindOf(c: number): Kind {
	const ch = String.fromCodePoint(c);
	return IS_HANGUL.test(ch) ? HANGUL : IS_WORD.test(ch) ? WORD : OTHER;
}

/** Letters and digits are words; the rest of ASCII separates them. */
const ASCII_KINDS = Uint8Array.from({ length: 0x80 }, (_, c) =>
	(c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ? WORD : OTHER,
);

/** The kind of a code point that is neither ASCII nor a Hangul syllable: those the stream classes itself. */
function otherKindAt(text: string, i: number): Kind {
	const c = text.codePointAt(i) as number;
	// Past the BMP (emoji, rare ideographs) is rare enough to ask the regexes each time.
	if (c > 0xffff) return kindOf(c);
	const seen = bmpKinds[c] as number;
	if (seen) return (seen - 1) as Kind;
	const k = kindOf(c);
	bmpKinds[c] = k + 1;
	return k;
}

function width(text: string, i: number): number {
	return (text.codePointAt(i) as number) > 0xffff ? 2 : 1;
}

/** Whether text[from, to) is one or more spaces, tabs or no-break spaces. */
function onlySpaces(text: string, from: number, to: number): boolean {
	if (to <= from) return false;
	for (let j = from; j < to; j++) {
		const c = text.charCodeAt(j);
		if (c !== 0x20 && c !== 0x09 && c !== 0xa0) return false;
	}
	return true;
}
