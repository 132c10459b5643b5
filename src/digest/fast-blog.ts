import { cleanAffiliation } from './affiliation.ts';
import { parseArxivId } from './arxiv.ts';
import { ABSTRACT_LABEL } from './blog-post.ts';
import { bulletText, headingText, isPlainText, isPlainUrl, linkOnly, startsParagraph } from './fast-lines.ts';
import type { FormatRead } from './format.ts';
import { collapse } from './markdown.ts';
import type { PaperDraft } from './papers.ts';
import { IsoDate, type ArxivId } from './schema.ts';

// As the full blog-post reader reads them.
const POST_HEADING = /^(?:Hugging Face )?Daily Papers\s*[-–—]\s*(\d{4}-\d{2}-\d{2})$/i;
const STATED = /총\s*\**\s*(\d{1,4})\s*개/;
const AFFILIATION = /^기관\s*[:：]\s*([\s\S]*)$/;
const ABSTRACT = /^abstract\s*[:：]\s*([\s\S]*)$/i;
const HF_PAGE = /^https?:\/\/(?:www\.)?huggingface\.co\/papers\//i;

// `N. **Title** - 👍 votes`, or its first line when the title wraps; the rest of a wrapped title, up to its votes.
const ITEM = /^(\d{1,9})\. \*\*(?!\s)/;
const WHOLE_HEAD = /^\*\*([^*]+)\*\* - 👍 (\d{1,9})$/u;
const OPEN_HEAD = /^\*\*([^*]+)$/;
const HEAD_END = /^([^*]+)\*\* - 👍 (\d{1,9})$/u;
// Most lines a wrapped title is read over; a longer one goes to the full reader.
const MAX_WRAP = 3;

interface Item {
	line: number;
	title: string;
	votes: number;
	parts: string[];
	/** The indentation of the item's sub-bullets, all alike. */
	indent: number | null;
}

/** A numbered item's title and votes from line `i` on, and the index of its last line; null when not plainly one. */
function readHead(lines: readonly string[], i: number): { title: string; votes: number; last: number } | null {
	const line = lines[i] as string;
	const head = line.slice(line.indexOf('.') + 2);
	const whole = WHOLE_HEAD.exec(head);
	const pieces: string[] = [];
	let votes: string | undefined;
	let last = i;
	if (whole) {
		pieces.push(whole[1] ?? '');
		votes = whole[2];
	} else {
		const open = OPEN_HEAD.exec(head);
		if (!open || open[1] !== open[1]?.trimEnd()) return null;
		pieces.push(open[1] ?? '');
		for (let k = 1; k <= MAX_WRAP && votes === undefined; k++) {
			const next = lines[i + k] ?? '';
			const text = next.trimStart();
			// A lazy continuation of the title's paragraph: nothing that could open a block of its own.
			if (next.length - text.length > 3 || !startsParagraph(text)) return null;
			const end = HEAD_END.exec(text);
			if (end) votes = end[2];
			else if (text !== text.trimEnd() || text.includes('*')) return null;
			pieces.push(end ? (end[1] ?? '') : text);
			last = i + k;
		}
	}
	const raw = pieces.join(' ');
	if (votes === undefined || !isPlainText(raw) || /^\s|\s$/.test(raw)) return null;
	const title = collapse(raw);
	return title ? { title, votes: Number(votes), last } : null;
}

/** An item as the full reader drafts it, when it reads it without a problem. */
function draftOf(item: Item): PaperDraft | null {
	let arxiv: ArxivId | null = null;
	let page: { id: ArxivId | null; href: string } | null = null;
	let affiliation: string | undefined;
	let abstract = '';
	for (const part of item.parts) {
		const aff = AFFILIATION.exec(part);
		const abs = aff ? null : ABSTRACT.exec(part);
		if (aff) affiliation = cleanAffiliation(aff[1] ?? '');
		// A one-line part has no line breaks to join.
		else if (abs) abstract = (abs[1] ?? '').trim();
		else {
			const link = linkOnly(part);
			if (!link) return null;
			if (HF_PAGE.test(link.href)) page = { id: parseArxivId(link.href), href: link.href };
			else arxiv ??= parseArxivId(link.href);
		}
	}
	const pageId = page?.id ?? null;
	const id = arxiv ?? pageId;
	if (!id || (arxiv && pageId && arxiv !== pageId) || (page && !isPlainUrl(page.href))) return null;
	const draft: PaperDraft = {
		id,
		title: item.title,
		line: item.line,
		votes: item.votes,
		authors: [],
		thumbnail: null,
		summary: abstract ? [{ label: ABSTRACT_LABEL, text: abstract }] : [],
		skip: false,
	};
	if (affiliation) draft.affiliation = affiliation;
	if (page) draft.pageUrl = page.href;
	return draft;
}

/**
 * The blog posts read line by line, as the job writes them: the post heading, one-line
 * paragraphs (the stated count) and headings before the first item, then numbered items with
 * one-line sub-bullets. Null for anything else, which the full reader reads instead.
 */
export function readBlogLines(lines: readonly string[]): FormatRead | null {
	let i = 0;
	while (lines[i] === '') i++;
	const headingLine = i + 1;
	const heading = headingText(lines[i] ?? '', 1);
	const date = heading === null ? undefined : POST_HEADING.exec(collapse(heading))?.[1];
	if (date === undefined || !IsoDate.safeParse(date).success) return null;
	const items: Item[] = [];
	let stated: FormatRead['stated'];
	let prev: 'blank' | 'heading' | 'head' | 'sub' | 'paragraph' = 'heading';
	for (i += 1; i < lines.length; i++) {
		const line = lines[i] as string;
		if (line === '') {
			prev = 'blank';
		} else if (line.startsWith('#')) {
			const depth = /^#{2,6}/.exec(line)?.[0].length;
			if (depth === undefined || headingText(line, depth) === null) return null;
			prev = 'heading';
		} else if (ITEM.test(line)) {
			const head = readHead(lines, i);
			if (!head) return null;
			items.push({ line: i + 1, title: head.title, votes: head.votes, parts: [], indent: null });
			i = head.last;
			prev = 'head';
		} else if (/^ {0,3}- /.test(line)) {
			const item = items[items.length - 1];
			const indent = line.indexOf('-');
			const text = bulletText(line, indent);
			if (!item || text === null || (prev !== 'head' && prev !== 'sub') || (item.indent ?? indent) !== indent) return null;
			item.indent = indent;
			item.parts.push(text.trim());
			prev = 'sub';
		} else {
			if (items.length > 0 || (prev !== 'blank' && prev !== 'heading') || !startsParagraph(line) || (lines[i + 1] ?? '') !== '') return null;
			const m = stated ? null : STATED.exec(line);
			if (m) stated = { count: Number(m[1]), line: i + 1 };
			prev = 'paragraph';
		}
	}
	const drafts: PaperDraft[] = [];
	for (const item of items) {
		const draft = draftOf(item);
		if (!draft) return null;
		drafts.push(draft);
	}
	const read: FormatRead = { date, dateLine: headingLine, drafts, spans: [{ from: headingLine, to: Number.MAX_SAFE_INTEGER }] };
	if (stated) read.stated = stated;
	return read;
}
