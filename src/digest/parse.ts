import { Lexer, type Token, type Tokens } from 'marked';
import { arxivUrl, parseArxivId } from './arxiv.ts';
import { IsoDate, Paper, type ArxivId, type ParseResult, type Problem, type SummaryItem } from './schema.ts';
import { parseAuthors } from './authors.ts';
import { resolveThumbnail } from './thumbnail.ts';

const DATE_IN_HEADING = /(\d{4}-\d{2}-\d{2})/;
// `***What's New***:`, `**What's New**:`, the malformed `***Technical Details*:` and `**Label:**`.
const STARRED_LABEL = /^\*{2,3}([^*\n]{1,120}?)\*{1,3}[ \t]*[:：][ \t]*/;
const STARRED_LABEL_COLON_INSIDE = /^\*{2,3}([^*\n]{1,120}?)[:：]\*{1,3}[ \t]*/;
// English bullets without emphasis, as some producers write them.
const PLAIN_LABEL = /^(What['’]s New|Technical Details|Performance Highlights)[ \t]*[:：][ \t]*/i;
const VOTE_LINE = /^votes?[ \t]*[:：][ \t]*(.*)$/i;
const AUTHORS_LINE = /^authors?[ \t]*[:：][ \t]*(.*)$/i;
const WATCH_VIDEO = /^\[watch video\]/i;
// A line of nothing but tags, such as an inline `<video src=…></video>` that CommonMark leaves in a
// paragraph (it only makes an HTML block of a tag alone on its line): media, not summary text.
const ONLY_TAGS = /^(?:<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>\s*)+$/i;
// One options object for every lexer: marked hangs its tokenizer on it, so a fresh literal per call builds a fresh tokenizer.
const LEX_OPTIONS = { gfm: true };

interface PaperDraft {
	id: ArxivId | null;
	title: string;
	line: number;
	votes: number | null;
	authors: string[];
	thumbnail: string | null;
	summary: SummaryItem[];
	skip: boolean;
}

/** Maps string offsets to 1-based line numbers of the normalised text. */
class LineIndex {
	private readonly starts: number[] = [0];
	constructor(text: string) {
		for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
	}
	lineOf(offset: number): number {
		let lo = 0;
		let hi = this.starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if ((this.starts[mid] ?? 0) <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	}
}

/** Removes a BOM and makes every line end `\n`, so line numbers match what an editor shows. */
export function normaliseText(text: string): string {
	return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function inlineText(tokens: Token[] | undefined, fallback: string): string {
	if (!tokens || tokens.length === 0) return fallback;
	let out = '';
	for (const t of tokens) {
		if (t.type === 'image') continue;
		if ('tokens' in t && Array.isArray(t.tokens)) out += inlineText(t.tokens, 'text' in t ? String(t.text) : '');
		else if (t.type === 'br') out += ' ';
		else if ('text' in t && typeof t.text === 'string') out += t.text;
		else out += t.raw;
	}
	return out;
}

// Characters that can start inline markdown worth undoing: emphasis, code, escapes, strike, links, autolinks.
const INLINE_MARKUP = /[*_`\\~[<]/;

/**
 * Summary text as plain text, once, here: the renderer escapes what it is given and search
 * indexes it, so `**Tokenizer**` must arrive as `Tokenizer` and `\*` as `*`.
 */
function plainInline(markdown: string): string {
	if (!INLINE_MARKUP.test(markdown)) return markdown;
	return inlineText(Lexer.lexInline(markdown, LEX_OPTIONS), markdown);
}

function findLink(tokens: Token[] | undefined): Tokens.Link | null {
	if (!tokens) return null;
	for (const t of tokens) {
		if (t.type === 'link') return t as Tokens.Link;
		if ('tokens' in t && Array.isArray(t.tokens)) {
			const inner = findLink(t.tokens);
			if (inner) return inner;
		}
	}
	return null;
}

function findImages(tokens: Token[] | undefined, out: string[] = []): string[] {
	if (!tokens) return out;
	for (const t of tokens) {
		if (t.type === 'image') out.push((t as Tokens.Image).href);
		else if ('tokens' in t && Array.isArray(t.tokens)) findImages(t.tokens, out);
	}
	return out;
}

function collapse(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

function splitLabel(text: string): SummaryItem {
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

/**
 * Reads one digest file. Never throws: whatever it cannot use is reported as a problem with
 * the file and line, a bad paper is skipped, and the rest of the file still loads.
 */
export function parseDigest(text: string, file: string): ParseResult {
	try {
		return parseUnsafe(typeof text === 'string' ? text : String(text), file);
	} catch (err) {
		return {
			digest: null,
			problems: [{ file, line: 0, level: 'error', message: `could not be parsed (${err instanceof Error ? err.message : String(err)})` }],
		};
	}
}

function parseUnsafe(raw: string, file: string): ParseResult {
	const text = normaliseText(raw);
	const lines = new LineIndex(text);
	const problems: Problem[] = [];
	const report = (line: number, level: Problem['level'], message: string) => problems.push({ file, line, level, message });

	// Block structure only: inline lexing of every summary bullet is most of marked's time and we
	// need inline tokens just for headings and the short metadata paragraphs (lexed on demand below).
	const tokens = new Lexer(LEX_OPTIONS).blockTokens(text, []);
	let cursor = 0;
	const lineOfToken = (tok: Token): number => {
		const at = tok.raw ? text.indexOf(tok.raw, cursor) : -1;
		if (at >= 0) {
			cursor = at + tok.raw.length;
			return lines.lineOf(at);
		}
		return lines.lineOf(cursor);
	};

	let date: string | null = null;
	let dateLine = 0;
	// inDigest: between a digest heading and the next top-level heading (a README may go on with other sections).
	let inDigest = false;
	let current: PaperDraft | null = null;
	const drafts: PaperDraft[] = [];
	let otherDateWarned = false;
	// The dateless top-level heading that ended the digest, until a paper heading after it is reported.
	let endedBy: { line: number; text: string } | null = null;

	const finish = () => {
		if (current) drafts.push(current);
		current = null;
	};

	for (const tok of tokens) {
		const line = lineOfToken(tok);
		if (tok.type === 'heading') {
			const h = tok as Tokens.Heading;
			// Only a `#`/`##` line starts or ends a digest: a setext heading (a line over `---`) is
			// too easily made by accident inside a summary to silently drop the papers after it.
			if (h.depth <= 2 && h.raw.startsWith('#')) {
				finish();
				const m = DATE_IN_HEADING.exec(h.text);
				if (!m?.[1]) {
					if (inDigest) endedBy = { line, text: collapse(h.text) };
					inDigest = false;
					continue;
				}
				endedBy = null;
				const headingDate = m[1];
				if (!IsoDate.safeParse(headingDate).success) {
					report(line, 'error', `the digest heading names "${headingDate}", which is not a calendar date; its papers are skipped`);
					inDigest = false;
					continue;
				}
				if (date === null) {
					date = headingDate;
					dateLine = line;
					inDigest = true;
				} else if (headingDate === date) {
					// A rerun appended the same day's digest again: keep reading, duplicates are dropped below.
					inDigest = true;
				} else {
					if (!otherDateWarned) {
						report(line, 'warning', `a second digest heading for ${headingDate} follows the one for ${date} (line ${dateLine}); only ${date} is read from this file`);
						otherDateWarned = true;
					}
					inDigest = false;
				}
				continue;
			}
			if (inDigest && h.depth === 3) {
				finish();
				current = startPaper(h, line, report);
			} else if (endedBy && h.depth === 3 && date !== null && paperHeadingId(h) !== null) {
				report(
					line,
					'warning',
					`a paper heading follows "${truncate(endedBy.text, 60)}" (line ${endedBy.line}), which ends the digest for ${date}; it and the papers after it are skipped`,
				);
				endedBy = null;
			}
			continue;
		}
		if (!inDigest || !current) continue;
		const paper: PaperDraft = current;
		// Other blocks (html, code, rules, link definitions) carry nothing of a paper.
		if (tok.type === 'paragraph' || tok.type === 'text') readParagraph(tok as Tokens.Paragraph, paper, line, report);
		else if (tok.type === 'list') readList(tok as Tokens.List, paper);
	}
	finish();

	if (date === null) {
		report(0, 'error', 'no digest heading such as "## Daily Papers (2024-12-09)" was found; the file is skipped');
		return { digest: null, problems };
	}

	const papers: Paper[] = [];
	const seen = new Map<string, number>();
	for (const d of drafts) {
		if (d.skip || d.id === null) continue;
		const first = seen.get(d.id);
		if (first !== undefined) {
			report(d.line, 'warning', `paper ${d.id} is already listed at line ${first}; it is counted once`);
			continue;
		}
		if (d.summary.length === 0) report(d.line, 'warning', `paper ${d.id} has no summary bullets`);
		const candidate = {
			id: d.id,
			title: d.title,
			url: arxivUrl(d.id),
			votes: d.votes,
			authors: d.authors,
			thumbnail: d.thumbnail,
			summary: d.summary.map((s) => ({ label: s.label === null ? null : plainInline(s.label), text: plainInline(s.text) })),
			line: d.line,
		};
		const checked = Paper.safeParse(candidate);
		if (!checked.success) {
			const why = checked.error.issues.map((i) => `${i.path.join('.') || 'paper'}: ${i.message}`).join('; ');
			report(d.line, 'error', `paper "${truncate(d.title, 80)}" is skipped: ${why}`);
			continue;
		}
		seen.set(d.id, d.line);
		papers.push(checked.data);
	}
	if (papers.length === 0 && drafts.length === 0) report(dateLine, 'warning', `the digest for ${date} lists no papers`);
	return { digest: { date, file, papers }, problems };
}

function truncate(s: string, n: number): string {
	return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The arXiv id a `###` heading links to or names, for telling paper headings from other sections. */
function paperHeadingId(h: Tokens.Heading): ArxivId | null {
	const link = findLink(Lexer.lexInline(h.text, LEX_OPTIONS));
	return parseArxivId(link ? link.href : h.text);
}

function startPaper(h: Tokens.Heading, line: number, report: (line: number, level: Problem['level'], message: string) => void): PaperDraft {
	const inline = Lexer.lexInline(h.text, LEX_OPTIONS);
	const link = findLink(inline);
	const title = collapse(link ? inlineText(link.tokens, link.text) : inlineText(inline, h.text));
	const draft: PaperDraft = { id: null, title, line, votes: null, authors: [], thumbnail: null, summary: [], skip: false };
	if (!link) {
		// A heading that itself is an id or a URL still names the paper.
		draft.id = parseArxivId(h.text);
		if (!draft.id) {
			report(line, 'error', `the paper heading "${truncate(collapse(h.text), 80)}" has no link to its arXiv page; the paper is skipped`);
			draft.skip = true;
		}
		return draft;
	}
	draft.id = parseArxivId(link.href);
	if (!draft.id) {
		report(line, 'error', `the paper link "${truncate(link.href, 120)}" is not an arXiv or Hugging Face paper address; the paper is skipped`);
		draft.skip = true;
	}
	if (!title) {
		report(line, 'error', `paper ${draft.id ?? ''} has an empty title; the paper is skipped`.replace('  ', ' '));
		draft.skip = true;
	}
	return draft;
}

function readParagraph(
	p: Tokens.Paragraph,
	paper: PaperDraft,
	line: number,
	report: (line: number, level: Problem['level'], message: string) => void,
): void {
	const images = p.text.includes('![') ? findImages(Lexer.lexInline(p.text, LEX_OPTIONS)) : [];
	for (const href of images) {
		if (paper.thumbnail !== null) break;
		const resolved = resolveThumbnail(href);
		if (resolved.url) paper.thumbnail = resolved.url;
		else if (resolved.reason) report(line, 'warning', `the thumbnail "${truncate(href, 120)}" of paper ${paper.id ?? ''} ${resolved.reason}; it is left out`);
	}
	const rows = p.text.split('\n');
	rows.forEach((row, i) => {
		const trimmed = row.trim();
		if (!trimmed) return;
		const rowLine = line + i;
		if (/^!\[[^\]]*\]\([^)]*\)$/.test(trimmed) || WATCH_VIDEO.test(trimmed) || ONLY_TAGS.test(trimmed)) return;
		const vote = VOTE_LINE.exec(trimmed);
		if (vote) {
			const value = (vote[1] ?? '').trim();
			if (value === '' || value === '-' || value === '—' || /^n\/?a$/i.test(value)) paper.votes = null;
			else if (/^\d{1,9}$/.test(value)) paper.votes = Number(value);
			else report(rowLine, 'warning', `the vote count "${truncate(value, 40)}" of paper ${paper.id ?? ''} is not a number; it is left empty`);
			return;
		}
		const authors = AUTHORS_LINE.exec(trimmed);
		if (authors) {
			paper.authors = parseAuthors(authors[1] ?? '');
			return;
		}
		// Free text in a paper's body is part of its summary: a continuation of the bullet before it, or a bullet of its own.
		const last = paper.summary[paper.summary.length - 1];
		if (last) last.text = `${last.text}\n${trimmed}`;
		else paper.summary.push(splitLabel(trimmed));
	});
}

function readList(list: Tokens.List, paper: PaperDraft): void {
	if (list.ordered) {
		// A numbered list in a summary elaborates the bullet before it ("as follows: 1. … 2. …").
		const start = typeof list.start === 'number' ? list.start : 1;
		const lines = list.items.map((item, i) => `${start + i}. ${item.text.trim()}`).filter((l) => l.length > 3);
		const last = paper.summary[paper.summary.length - 1];
		if (last) last.text = `${last.text}\n${lines.join('\n')}`;
		else for (const l of lines) paper.summary.push({ label: null, text: l });
		return;
	}
	for (const item of list.items) {
		if (ONLY_TAGS.test(item.text.trim())) continue;
		const entry = splitLabel(item.text);
		if (!entry.text && !entry.label) continue;
		if (!entry.text) {
			// A label with nothing after it carries no summary; keep the words as plain text rather than lose them.
			paper.summary.push({ label: null, text: entry.label ?? '' });
			continue;
		}
		paper.summary.push(entry);
	}
}
