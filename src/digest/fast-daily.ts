import type { Tokens } from 'marked';
import { parseArxivId } from './arxiv.ts';
import { bulletText, headingText, imageOnly, linkOnly, startsParagraph } from './fast-lines.ts';
import type { FormatRead, LineSpan } from './format.ts';
import { collapse } from './markdown.ts';
import { readList, readRow, readThumbnail, splitLabel } from './paper-body.ts';
import type { PaperDraft } from './papers.ts';
import type { Report } from './report.ts';
import { IsoDate } from './schema.ts';
import { resolveThumbnail } from './thumbnail.ts';

const DATE_IN_HEADING = /(\d{4}-\d{2}-\d{2})/;

/** What the line before was, which decides what may follow it without marked's help. */
type Prev = 'blank' | 'heading' | 'bullet' | 'paragraph';

/** A `### [Title](arXiv link)` heading as the full reader would read it, when it reads it without a problem. */
function paperHeading(line: string, at: number): PaperDraft | null {
	const text = headingText(line, 3);
	const link = text === null ? null : linkOnly(text);
	if (!link) return null;
	const id = parseArxivId(link.href);
	const title = collapse(link.text);
	if (!id || !title) return null;
	return { id, title, line: at, votes: null, authors: [], thumbnail: null, summary: [], skip: false };
}

/** A bullet as the full reader adds it to a summary: one list item of a bulleted list. */
function addBullet(paper: PaperDraft, text: string): void {
	const list = readList({ ordered: false, items: [{ text }] } as unknown as Tokens.List);
	if (list.kind === 'bullets') paper.summary.push(...list.items);
}

/** A one-line paragraph of a paper's body: its picture, votes, authors or more summary text. */
function addParagraph(paper: PaperDraft, line: string, at: number, report: Report): boolean {
	if (line.includes('![')) {
		const href = imageOnly(line);
		if (href === null) return false;
		if (paper.thumbnail === null) {
			// A picture Discord cannot show is reported by the full reader's own words.
			paper.thumbnail = resolveThumbnail(href).url ?? readThumbnail({ text: line } as Tokens.Paragraph, at, paper.id, report);
		}
		return true;
	}
	const row = readRow(line, at, paper.id, report);
	if (row?.kind === 'votes') paper.votes = row.votes;
	else if (row?.kind === 'authors') paper.authors = row.authors;
	else if (row?.kind === 'text') {
		const last = paper.summary[paper.summary.length - 1];
		if (last) last.text = `${last.text}\n${row.text}`;
		else paper.summary.push(splitLabel(row.text));
	}
	return true;
}

/**
 * The Hugging Face daily-papers layout read line by line, as the producer writes it: `##` day
 * headings (one day, maybe appended twice), `###` paper headings, one-line paragraphs each
 * followed by a blank line, one-line bullets. Null for anything else, which the full reader
 * reads instead.
 */
export function readDailyLines(lines: readonly string[], report: Report): FormatRead | null {
	let date: string | undefined;
	let dateLine = 0;
	const drafts: PaperDraft[] = [];
	const starts: number[] = [];
	let paper: PaperDraft | null = null;
	let prev: Prev = 'blank';
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] as string;
		const at = i + 1;
		if (line === '') {
			prev = 'blank';
			continue;
		}
		if (line.startsWith('## ')) {
			const text = headingText(line, 2);
			const day = text === null ? undefined : DATE_IN_HEADING.exec(text)?.[1];
			if (day === undefined || (date !== undefined && day !== date)) return null;
			if (date === undefined) {
				if (!IsoDate.safeParse(day).success) return null;
				date = day;
				dateLine = at;
			}
			starts.push(at);
			paper = null;
			prev = 'heading';
		} else if (line.startsWith('### ')) {
			if (date === undefined) return null;
			paper = paperHeading(line, at);
			if (!paper) return null;
			drafts.push(paper);
			prev = 'heading';
		} else if (line.startsWith('- ')) {
			const text = bulletText(line, 0);
			if (!paper || text === null || prev === 'paragraph') return null;
			addBullet(paper, text);
			prev = 'bullet';
		} else {
			// A paragraph line: after a blank line or a heading, and followed by a blank line, so nothing runs into it.
			if (!paper || prev === 'bullet' || !(startsParagraph(line) || line.startsWith('![')) || (lines[i + 1] ?? '') !== '') return null;
			if (!addParagraph(paper, line, at, report)) return null;
			prev = 'paragraph';
		}
	}
	if (date === undefined) return null;
	const spans: LineSpan[] = starts.map((from, k) => ({ from, to: (starts[k + 1] ?? Number.MAX_SAFE_INTEGER) - 1 }));
	return { date, dateLine, drafts, spans };
}
