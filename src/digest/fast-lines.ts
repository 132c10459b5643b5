/**
 * What the line readers of the fast path take as certain about a line without asking marked.
 * Each test is stricter than markdown: a line it is unsure of makes the whole file go to the
 * full parser, so passing a line here only ever means marked would read it the same way.
 */

/** Text with nothing inline markdown acts on: no emphasis, code, escapes, strike, links, html, entities or autolinks. */
const MARKUP = /[\\`*_~[\]<>@]|&#|:\/\/|www\./i;

export function isPlainText(s: string): boolean {
	return !MARKUP.test(s);
}

// A link target marked takes as written: no spaces, controls, parentheses, angle brackets, quotes or escapes.
const HREF = String.raw`[^\s\x00-\x1f\x7f()<>\\"'\x60[\]]+`;
// Link text may hold bracketed words, one level deep, as titles do (`[IDK] Token`): marked takes them for text.
const LINK_ONLY = new RegExp(String.raw`^\[((?:[^[\]\\\x60]|\[[^[\]\\\x60]+\])*)\]\((${HREF})\)$`);
// After a bracketed word, what would make it a link, a reference or an image of its own.
const BRACKETS_AS_MARKUP = /\]\s*[([:]|!\[/;
const IMAGE_ONLY = new RegExp(String.raw`^!\[[^[\]\\\x60]*\]\((${HREF})\)$`);

/** `[text](href)` and nothing else, with plain text; null otherwise. */
export function linkOnly(s: string): { text: string; href: string } | null {
	const m = LINK_ONLY.exec(s);
	const text = m?.[1] ?? '';
	if (!m || BRACKETS_AS_MARKUP.test(text) || !isPlainText(text.replace(/[[\]]/g, ''))) return null;
	return { text, href: m[2] ?? '' };
}

/** The target of `![alt](href)` when that is the whole line. */
export function imageOnly(s: string): string | null {
	return IMAGE_ONLY.exec(s)?.[1] ?? null;
}

// A thematic break: a bullet made of dashes and stars (`- - -`) is one, not a list item.
const HR = /^ {0,3}(?:(?:-[\t ]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$/;
// What can open a block inside a list item, or change its text: a task box, another marker, a heading, quote, fence, html, table, underline.
const BLOCKISH = /^(?:\[[ xX]\]|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|#|>|`{3}|~{3}|<|\||=+[ \t]*$|-+[ \t]*$)/;

/** The text of a one-line bullet `- text` at `indent` spaces, when it is plainly one; null otherwise. */
export function bulletText(line: string, indent: number): string | null {
	if (line.charCodeAt(indent) !== 45 || line.charCodeAt(indent + 1) !== 32 || HR.test(line)) return null;
	for (let i = 0; i < indent; i++) if (line.charCodeAt(i) !== 32) return null;
	const text = line.slice(indent + 2);
	if (text === '' || /^\s/.test(text) || BLOCKISH.test(text)) return null;
	return text;
}

/** The text of an ATX heading with exactly `depth` hashes, when marked would take the rest of the line as is. */
export function headingText(line: string, depth: number): string | null {
	for (let i = 0; i < depth; i++) if (line.charCodeAt(i) !== 35) return null;
	if (line.charCodeAt(depth) !== 32) return null;
	const text = line.slice(depth + 1);
	// Leading or trailing spaces and closing hashes are trimmed by marked; such lines are left to it.
	if (text === '' || text !== text.trim() || text.endsWith('#')) return null;
	return text;
}

/** Whether a line starts a paragraph and nothing else: a letter or digit that does not number a list. */
export function startsParagraph(line: string): boolean {
	return /^[\p{L}\p{N}]/u.test(line) && !/^\d{1,9}[.)](?:[ \t]|$)/.test(line);
}

// Addresses plain enough that any URL parser, and so the schema, takes them unchanged.
const PLAIN_URL = /^https:\/\/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\/[A-Za-z0-9._~/%?=&+-]*$/;

export function isPlainUrl(s: string): boolean {
	return PLAIN_URL.test(s);
}
