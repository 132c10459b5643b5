/**
 * Text that fits Discord's limits. Lengths are UTF-16 code units (what `length` counts and
 * never fewer than Discord counts); cuts follow the text's structure — paragraphs, lines,
 * sentences, words, then a hard cut on a grapheme boundary, so a cut never lands inside a
 * surrogate pair, a combining sequence or an emoji sequence (any of which Discord would show
 * as a broken character).
 */

export const ELLIPSIS = '…';

/** A cut that keeps less than this share of the room looks like data loss: go one level finer. */
const MIN_KEEP_RATIO = 0.6;

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates with U+FFFD: Discord rejects bodies that are not valid UTF-8. */
export function wellFormed(text: string): string {
	return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Code units that are each a whole cluster and join nothing: printable ASCII, Hangul
// syllables, CJK ideographs. Between two of them there is always a boundary, and clustering
// after it does not depend on anything before it (no open emoji or regional-indicator run).
function isSimple(code: number): boolean {
	return (code >= 0x20 && code <= 0x7e) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0x4e00 && code <= 0x9fff);
}

/** The largest grapheme-cluster boundary ≤ `index` (0 when the first cluster is longer). */
export function graphemeFloor(text: string, index: number): number {
	if (index <= 0) return 0;
	if (index >= text.length) return text.length;
	if (isSimple(text.charCodeAt(index - 1)) && isSimple(text.charCodeAt(index))) return index;
	// Segment from the nearest certain boundary before `index`; a boundary depends only on what
	// precedes it and the code point right after it, so one code point past `index` is enough.
	let from = index - 1;
	while (from > 0 && !(isSimple(text.charCodeAt(from - 1)) && isSimple(text.charCodeAt(from)))) from--;
	let last = from;
	for (const { index: start } of graphemes.segment(text.slice(from, index + 2))) {
		if (from + start > index) break;
		last = from + start;
	}
	return last;
}

type CutKind = 'paragraph' | 'line' | 'sentence' | 'word' | 'hard';

interface Cut {
	/** `text.slice(0, end)` is kept (before trimming trailing white space). */
	end: number;
	kind: CutKind;
}

// Each pattern matches a separator; the cut falls at the match start (end of the kept text).
const SEPARATORS: { kind: CutKind; pattern: RegExp }[] = [
	{ kind: 'paragraph', pattern: /\n[^\S\n]*\n\s*/g },
	{ kind: 'line', pattern: /\n\s*/g },
	// Sentence end: terminal punctuation, optional closing quotes/brackets, then white space.
	// The punctuation stays with the kept text, so the separator starts after it.
	{ kind: 'sentence', pattern: /(?<=[.!?。！？][)"'”’\]]*)\s+/g },
	{ kind: 'word', pattern: /\s+/g },
];

/**
 * Where to cut `text` so that at most `limit` units are kept: the last separator of the
 * coarsest level that still keeps at least `minKeep` units, else a hard cut on a grapheme
 * boundary (keeping nothing when the first cluster alone is longer than `limit`).
 */
function findCut(text: string, limit: number, minKeep: number): Cut {
	// One unit past the limit, so a separator that starts exactly at the limit is seen.
	const head = text.slice(0, limit + 1);
	for (const { kind, pattern } of SEPARATORS) {
		let last: RegExpExecArray | null = null;
		for (const match of head.matchAll(pattern)) {
			if (match.index > limit) break;
			last = match;
		}
		// What a cut keeps only grows with its position: if the last separator keeps too
		// little, every earlier one does too.
		if (last && text.slice(0, last.index).trimEnd().length >= minKeep) {
			return { end: last.index, kind };
		}
	}
	return { end: graphemeFloor(text, limit), kind: 'hard' };
}

/**
 * `text` cut to at most `max` UTF-16 units, at the coarsest structural boundary that keeps
 * most of it, with an ellipsis (`…`, or ` …` after a whole sentence or paragraph).
 */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	if (max < 1) return '';
	if (max < 3) {
		const end = graphemeFloor(text, max - ELLIPSIS.length);
		return text.slice(0, end) + ELLIPSIS;
	}
	// Two units of room for ` …`; a word or hard cut then leaves one unit unused.
	const limit = max - 2;
	const cut = findCut(text, limit, Math.max(1, Math.floor(limit * MIN_KEEP_RATIO)));
	const kept = text.slice(0, cut.end).trimEnd();
	if (!kept) return ELLIPSIS;
	if (cut.kind === 'word' || cut.kind === 'hard') return kept + ELLIPSIS;
	return `${kept} ${ELLIPSIS}`;
}

/**
 * Escapes what would break a masked link or start formatting: `\ * _ ~ \` | [ ]`. Minimal on
 * purpose — titles and names should read as written.
 */
export function escapeMarkdown(text: string): string {
	return text.replace(/[\\*_~`|[\]]/g, '\\$&');
}

/** `truncate` then `escapeMarkdown`, still within `max` once the escapes are added. */
export function truncateEscaped(text: string, max: number): string {
	let room = max;
	for (;;) {
		const out = escapeMarkdown(truncate(text, room));
		if (out.length <= max) return out;
		room -= out.length - max;
	}
}

/** Runs of white space (line breaks, tabs) as one space: for text that must stay on one line. */
export function oneLine(text: string): string {
	// Single spaces are left alone: replacing each of them is most of the cost on long text.
	return text.replace(/ {2,}\s*| *[^\S ]\s*/g, ' ').trim();
}

/** Longest an echoed input may be: enough to recognise it, short of crowding the reply. */
const ECHO_MAX = 100;

/**
 * What a member typed, shown back as inline code that the text cannot break out of: on one
 * line, at most `max` units, in a fence of two backticks when the text holds one. Discord reads
 * three or more as a code block, which a run in the text could end, so longer runs are split by a
 * zero-width space and two is always enough; a text that starts or ends with a backtick is
 * padded with a space, which Discord strips as CommonMark does.
 */
export function inlineCode(text: string, max = ECHO_MAX): string {
	const body = (truncate(oneLine(wellFormed(text)), Math.max(1, max)) || ELLIPSIS).replace(/`(?=`)/g, '`\u200b');
	if (!body.includes('`')) return `\`${body}\``;
	const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
	return `\`\`${pad}${body}${pad}\`\``;
}

/** A URL as a masked link's target: parentheses and spaces would end it early. */
export function linkTarget(url: string): string {
	return url.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
