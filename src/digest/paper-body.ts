import type { Tokens } from 'marked';
import { parseArxivId } from './arxiv.ts';
import { parseAuthors } from './authors.ts';
import { collapse, findImages, findLink, inline, inlineText, type Block } from './markdown.ts';
import type { PaperDraft } from './papers.ts';
import { truncate, type Report } from './report.ts';
import type { ArxivId, SummaryItem } from './schema.ts';
import { resolveThumbnail } from './thumbnail.ts';

// `***What's New***:`, `**What's New**:`, the malformed `***Technical Details*:` and `**Label:**`.
const STARRED_LABEL = /^\*{2,3}([^*\n]{1,120}?)\*{1,3}[ \t]*[:：][ \t]*/;
const STARRED_LABEL_COLON_INSIDE = /^\*{2,3}([^*\n]{1,120}?)[:：]\*{1,3}[ \t]*/;
// English bullets without emphasis, as some producers write them.
const PLAIN_LABEL = /^(What['’]s New|Technical Details|Performance Highlights)[ \t]*[:：][ \t]*/i;
const VOTE_LINE = /^votes?[ \t]*[:：][ \t]*(.*)$/i;
const AUTHORS_LINE = /^authors?[ \t]*[:：][ \t]*(.*)$/i;
const IMAGE_LINE = /^!\[[^\]]*\]\([^)]*\)$/;
const WATCH_VIDEO = /^\[watch video\]/i;
// A line of nothing but tags, such as an inline `<video src=…></video>` that CommonMark leaves in a
// paragraph (it only makes an HTML block of a tag alone on its line): media, not summary text.
const ONLY_TAGS = /^(?:<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>\s*)+$/i;

/** What a paper's `###` heading names. A paper whose heading names no usable id or title is read, then skipped. */
interface Heading {
	id: ArxivId | null;
	title: string;
	skip: boolean;
}

/** One line of a paper's paragraphs: its votes, its authors, or summary text. */
type Row = { kind: 'votes'; votes: number | null } | { kind: 'authors'; authors: string[] } | { kind: 'text'; text: string };

/** A list in a paper's body: bullets of their own, or numbered lines that elaborate the bullet before them. */
type ListRead = { kind: 'bullets'; items: SummaryItem[] } | { kind: 'numbered'; lines: string[] };

/** The arXiv id a `###` heading links to or names, for telling paper headings from other sections. */
export function paperHeadingId(h: Tokens.Heading): ArxivId | null {
	const link = findLink(inline(h.text));
	return parseArxivId(link ? link.href : h.text);
}

export function readHeading(h: Tokens.Heading, line: number, report: Report): Heading {
	const tokens = inline(h.text);
	const link = findLink(tokens);
	const title = collapse(link ? inlineText(link.tokens, link.text) : inlineText(tokens, h.text));
	if (!link) {
		// A heading that itself is an id or a URL still names the paper.
		const id = parseArxivId(h.text);
		if (!id) report(line, 'error', `the paper heading "${truncate(collapse(h.text), 80)}" has no link to its arXiv page; the paper is skipped`);
		return { id, title, skip: id === null };
	}
	const id = parseArxivId(link.href);
	if (!id) report(line, 'error', `the paper link "${truncate(link.href, 120)}" is not an arXiv or Hugging Face paper address; the paper is skipped`);
	if (!title) report(line, 'error', `paper ${id ?? ''} has an empty title; the paper is skipped`.replace('  ', ' '));
	return { id, title, skip: id === null || !title };
}

/** How a message names the paper it is about; one without a readable id is named by that. */
function paperName(id: ArxivId | null): string {
	return id ? `paper ${id}` : 'the paper whose link is not an arXiv address';
}

/** The first picture of a paragraph Discord can show; the ones before it that it cannot are reported. */
export function readThumbnail(p: Tokens.Paragraph, line: number, id: ArxivId | null, report: Report): string | null {
	if (!p.text.includes('![')) return null;
	for (const href of findImages(inline(p.text))) {
		const resolved = resolveThumbnail(href);
		if (resolved.url) return resolved.url;
		if (resolved.reason) report(line, 'warning', `the thumbnail "${truncate(href, 120)}" of ${paperName(id)} ${resolved.reason}; it is left out`);
	}
	return null;
}

/** One line of a paragraph; null for a blank line, media, or a vote count it could not read. */
export function readRow(row: string, line: number, id: ArxivId | null, report: Report): Row | null {
	const trimmed = row.trim();
	if (!trimmed || IMAGE_LINE.test(trimmed) || WATCH_VIDEO.test(trimmed) || ONLY_TAGS.test(trimmed)) return null;
	const vote = VOTE_LINE.exec(trimmed);
	if (vote) return readVotes((vote[1] ?? '').trim(), line, id, report);
	const authors = AUTHORS_LINE.exec(trimmed);
	if (authors) return { kind: 'authors', authors: parseAuthors(authors[1] ?? '') };
	return { kind: 'text', text: trimmed };
}

function readVotes(value: string, line: number, id: ArxivId | null, report: Report): Row | null {
	if (value === '' || value === '-' || value === '—' || /^n\/?a$/i.test(value)) return { kind: 'votes', votes: null };
	if (/^\d{1,9}$/.test(value)) return { kind: 'votes', votes: Number(value) };
	report(line, 'warning', `the vote count "${truncate(value, 40)}" of ${paperName(id)} is not a number; it is left empty`);
	return null;
}

/** A summary bullet's label (`What's New`, …) and text; null label when it has none. */
export function splitLabel(text: string): SummaryItem {
	const body = text.trim();
	for (const re of [STARRED_LABEL, STARRED_LABEL_COLON_INSIDE, PLAIN_LABEL]) {
		const m = re.exec(body);
		const raw = m?.[1]?.trim();
		if (m && raw) {
			// The label keeps its own words; only the curly apostrophe is unified so `What’s New` groups with `What's New`.
			return { label: raw.replace(/[’‘]/g, "'").replace(/\s+/g, ' '), text: body.slice(m[0].length).trim() };
		}
	}
	return { label: null, text: body };
}

export function readList(list: Tokens.List): ListRead {
	if (list.ordered) {
		const start = typeof list.start === 'number' ? list.start : 1;
		return { kind: 'numbered', lines: list.items.map((item, i) => `${start + i}. ${item.text.trim()}`).filter((l) => l.length > 3) };
	}
	const items: SummaryItem[] = [];
	for (const item of list.items) {
		if (ONLY_TAGS.test(item.text.trim())) continue;
		const entry = splitLabel(item.text);
		if (!entry.text && !entry.label) continue;
		// A label with nothing after it carries no summary; keep the words as plain text rather than lose them.
		items.push(entry.text ? entry : { label: null, text: entry.label ?? '' });
	}
	return { kind: 'bullets', items };
}

/** Adds `text` to the last bullet, as the line that continues it; false when there is no bullet yet. */
function continueLast(summary: SummaryItem[], text: string): boolean {
	const last = summary[summary.length - 1];
	if (last) last.text = `${last.text}\n${text}`;
	return last !== undefined;
}

/** One paper: its heading and the blocks up to the next heading. Other blocks (html, code, rules) carry nothing of a paper. */
export function readPaper(h: Tokens.Heading, line: number, body: readonly Block[], report: Report): PaperDraft {
	const { id, title, skip } = readHeading(h, line, report);
	let votes: number | null = null;
	let authors: string[] = [];
	let thumbnail: string | null = null;
	const summary: SummaryItem[] = [];
	for (const block of body) {
		if (block.tok.type === 'paragraph' || block.tok.type === 'text') {
			const p = block.tok as Tokens.Paragraph;
			thumbnail ??= readThumbnail(p, block.line, id, report);
			p.text.split('\n').forEach((text, i) => {
				const row = readRow(text, block.line + i, id, report);
				if (row?.kind === 'votes') votes = row.votes;
				else if (row?.kind === 'authors') authors = row.authors;
				// Free text in a paper's body is part of its summary: a continuation of the bullet before it, or a bullet of its own.
				else if (row?.kind === 'text' && !continueLast(summary, row.text)) summary.push(splitLabel(row.text));
			});
		} else if (block.tok.type === 'list') {
			const list = readList(block.tok as Tokens.List);
			// A numbered list in a summary elaborates the bullet before it ("as follows: 1. … 2. …").
			if (list.kind === 'bullets') summary.push(...list.items);
			else if (!continueLast(summary, list.lines.join('\n'))) summary.push(...list.lines.map((text) => ({ label: null, text })));
		}
	}
	return { id, title, line, votes, authors, thumbnail, summary, skip };
}
