import type { Token, Tokens } from 'marked';
import { parseArxivId } from './arxiv.ts';
import { cleanAffiliation } from './affiliation.ts';
import type { DigestFormat, FormatRead } from './format.ts';
import { collapse, findLink, inline, inlineText } from './markdown.ts';
import { linkedPaperId, unwrapLine } from './paper-lines.ts';
import type { PaperDraft } from './papers.ts';
import { truncate, type Report } from './report.ts';
import { IsoDate, Paper, type ArxivId } from './schema.ts';

/** The label the abstract goes under; the message table shows it in the reader's language. */
export const ABSTRACT_LABEL = 'Abstract';

const POST_HEADING = /^(?:Hugging Face )?Daily Papers\s*[-–—]\s*(\d{4}-\d{2}-\d{2})$/i;
const STATED = /총\s*\**\s*(\d{1,4})\s*개/;
const VOTES = /👍\s*([\d,]*)/u;
const AFFILIATION = /^기관\s*[:：]\s*([\s\S]*)$/;
const ABSTRACT = /^abstract\s*[:：]\s*([\s\S]*)$/i;
const HF_PAGE = /^https?:\/\/(?:www\.)?huggingface\.co\/papers\//i;
const ITEM_START = /^ {0,3}\d{1,3}[.)][ \t]+\S/;
const PAGE_LINK = /\[(?:HF 페이지|논문 링크)\]\(|\]\(\s*<?https?:\/\/(?:www\.)?huggingface\.co\/papers\//i;

/** One numbered item of the post: its first line (title and votes) and its sub-bullets, each with its line. */
interface Item {
	line: number;
	head: string;
	parts: { text: string; line: number }[];
}

function isPostHeading(tok: Token): tok is Tokens.Heading {
	return (
		tok.type === 'heading' &&
		(tok as Tokens.Heading).depth === 1 &&
		tok.raw.trimStart().startsWith('#') &&
		POST_HEADING.test(collapse((tok as Tokens.Heading).text))
	);
}

/** The 1-based line of each part, found in order in `container`, which starts on `line`. */
function linesOf(container: string, parts: readonly string[], line: number): number[] {
	let cursor = 0;
	return parts.map((part) => {
		const at = part ? container.indexOf(part, cursor) : -1;
		if (at < 0) return line;
		const n = line + (container.slice(0, at).match(/\n/g)?.length ?? 0);
		cursor = at + part.length;
		return n;
	});
}

function subParts(list: Tokens.List, line: number): Item['parts'] {
	const lines = linesOf(
		list.raw,
		list.items.map((i) => i.raw),
		line,
	);
	return list.items.map((item, k) => ({ text: item.text.trim(), line: lines[k] ?? line }));
}

function itemsOf(list: Tokens.List, line: number): Item[] {
	const lines = linesOf(
		list.raw,
		list.items.map((i) => i.raw),
		line,
	);
	return list.items.map((item, k) => {
		const at = lines[k] ?? line;
		const head = item.tokens.find((t) => t.type === 'text' || t.type === 'paragraph');
		const parts: Item['parts'] = [];
		for (const t of item.tokens) {
			// A nested list's lines are counted within the item's own text, whose lines match the source's.
			if (t.type === 'list') parts.push(...subParts(t as Tokens.List, linesOf(item.text, [t.raw], at)[0] ?? at));
		}
		return { line: at, head: head && 'text' in head ? String(head.text) : '', parts };
	});
}

function readTitle(head: string): { title: string; votes: number | null; badVotes: string | null } {
	const tokens = inline(head);
	const strong = tokens.find((t) => t.type === 'strong') as Tokens.Strong | undefined;
	const title = collapse(strong ? inlineText(strong.tokens, strong.text) : inlineText(inline(head.replace(/\s*[-–—]?\s*👍[\s\S]*$/u, '')), head));
	const rest = strong ? head.slice(head.indexOf(strong.raw) + strong.raw.length) : head;
	const m = VOTES.exec(rest);
	if (!m) return { title, votes: null, badVotes: null };
	const digits = (m[1] ?? '').replace(/,/g, '');
	return /^\d{1,9}$/.test(digits) ? { title, votes: Number(digits), badVotes: null } : { title, votes: null, badVotes: collapse(rest.slice(m.index)) };
}

function readItem(item: Item, report: Report): PaperDraft {
	const { title, votes, badVotes } = readTitle(item.head);
	let arxiv: ArxivId | null = null;
	let page: { id: ArxivId | null; href: string } | null = null;
	let affiliation: string | undefined;
	let abstract = '';
	for (const part of item.parts) {
		const aff = AFFILIATION.exec(part.text);
		const abs = ABSTRACT.exec(part.text);
		const link = aff || abs ? null : findLink(inline(part.text));
		if (aff) affiliation = cleanAffiliation(aff[1] ?? '');
		else if (abs) abstract = (abs[1] ?? '').replace(/\s*\n\s*/g, ' ').trim();
		else if (link && HF_PAGE.test(link.href)) page = { id: parseArxivId(link.href), href: link.href };
		else if (link) arxiv ??= parseArxivId(link.href);
	}
	const pageId = page?.id ?? null;
	const id = arxiv ?? pageId;
	const name = id ? `paper ${id}` : `"${truncate(title, 60)}"`;
	if (badVotes) report(item.line, 'warning', `the vote count "${truncate(badVotes, 40)}" of ${name} is not a number; it is left empty`);
	if (arxiv && pageId && arxiv !== pageId) report(item.line, 'warning', `${name} links the Hugging Face page of ${pageId}; the arXiv link is taken`);
	if (!id) report(item.line, 'error', `the paper "${truncate(title || item.head, 80)}" links no arXiv or Hugging Face paper page; the paper is skipped`);
	if (!title) report(item.line, 'error', `${name} has an empty title; the paper is skipped`);
	const draft: PaperDraft = {
		id,
		title,
		line: item.line,
		votes,
		authors: [],
		thumbnail: null,
		summary: abstract ? [{ label: ABSTRACT_LABEL, text: abstract }] : [],
		skip: id === null || !title,
	};
	if (affiliation) draft.affiliation = affiliation;
	if (page && Paper.shape.pageUrl.safeParse(page.href).success) draft.pageUrl = page.href;
	return draft;
}

/**
 * The daily posts of a Jekyll blog: YAML front matter (skipped before this reader sees the
 * file), `# Hugging Face Daily Papers - YYYY-MM-DD`, a stated paper count, then one numbered
 * item per paper: `**Title** - 👍 N` over sub-bullets for the affiliation, the Hugging Face
 * page, the arXiv link and the English abstract. The date is the heading's: the front matter's
 * is the publishing time, often the next day.
 */
export const blogPost: DigestFormat = {
	name: 'blog-post',

	claims: (doc) => doc.some((b) => isPostHeading(b.tok)),

	read(doc, report): FormatRead | null {
		const start = doc.findIndex((b) => isPostHeading(b.tok));
		const heading = doc[start];
		if (!heading) return null;
		const date = POST_HEADING.exec(collapse((heading.tok as Tokens.Heading).text))?.[1] ?? '';
		if (!IsoDate.safeParse(date).success) {
			report(heading.line, 'error', `the post heading names "${date}", which is not a calendar date; the file is skipped`);
			return null;
		}
		const items: Item[] = [];
		let stated: FormatRead['stated'];
		for (const block of doc.slice(start + 1)) {
			const tok = block.tok;
			if (tok.type === 'list' && (tok as Tokens.List).ordered) items.push(...itemsOf(tok as Tokens.List, block.line));
			// Sub-bullets indented less than a long number (`10. `) make a list of their own after the item.
			else if (tok.type === 'list') items.at(-1)?.parts.push(...subParts(tok as Tokens.List, block.line));
			else if (tok.type === 'paragraph' && !stated && items.length === 0) {
				const m = STATED.exec(tok.raw);
				if (m) stated = { count: Number(m[1]), line: block.line };
			}
		}
		const read: FormatRead = {
			date,
			dateLine: heading.line,
			drafts: items.map((i) => readItem(i, report)),
			spans: [{ from: heading.line, to: Number.MAX_SAFE_INTEGER }],
		};
		if (stated) read.stated = stated;
		return read;
	},

	startsPaper: (line) => ITEM_START.test(line) || /^ {0,3}# /.test(line),
	paperIn(line) {
		if (!line.includes('](')) return null;
		const text = unwrapLine(line);
		return PAGE_LINK.test(text) ? linkedPaperId(text) : null;
	},
};
