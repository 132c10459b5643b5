import { parseArxivId } from './arxiv.ts';
import type { ArxivId } from './schema.ts';

/**
 * Characters that show as nothing but stop a line from being read as markdown: NUL, zero-width
 * spaces and joiners, a byte-order mark in mid-file, vertical tab and form feed.
 */
export const INVISIBLE = /[\0\u200B-\u200D\u2060\uFEFF\v\f]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
// One layer of what can wrap a line: indentation, a blockquote marker, a bullet or number.
const WRAPPER = /^[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*/;
const LINK_TARGET = /\]\(\s*<?([^)\s>]+)/g;
const DATED = /\d{4}-\d{2}-\d{2}/;

/** A line with invisible characters, indentation, blockquote and list markers taken off its start. */
export function unwrapLine(line: string): string {
	let s = line.replace(INVISIBLE_ALL, '');
	for (let next = s.replace(WRAPPER, ''); next !== s; next = s.replace(WRAPPER, '')) s = next;
	return s.trimStart();
}

/** The paper a markdown link in `text` points at, else the one `text` itself names. */
export function linkedPaperId(text: string): ArxivId | null {
	if (text.includes('](')) {
		for (const m of text.matchAll(LINK_TARGET)) {
			const id = parseArxivId(m[1] ?? '');
			if (id) return id;
		}
	}
	return parseArxivId(text);
}

/** A `#`…`######` heading line at the left margin that names a paper or a date. */
export function isPaperOrDayHeading(line: string, maxDepth = 6): boolean {
	const m = /^ {0,3}(#{1,6})[ \t]+(.*)$/.exec(line);
	if (!m?.[1] || m[1].length > maxDepth) return false;
	return (m[1].length <= 2 && DATED.test(m[2] ?? '')) || linkedPaperId(m[2] ?? '') !== null;
}

/** The paper a heading-like line names, however it is wrapped or how many `#` it has. */
export function headingPaperId(line: string): ArxivId | null {
	if (!line.includes('#')) return null;
	const m = /^#{1,6}[ \t]*(.*)$/.exec(unwrapLine(line));
	return m ? linkedPaperId((m[1] ?? '').trim()) : null;
}
