import { blogPost } from './blog-post.ts';
import { dailyPapers } from './daily-papers.ts';
import { readFast, statedMismatch } from './fast-read.ts';
import type { DigestFormat } from './format.ts';
import { blocks, type Block } from './markdown.ts';
import { finishPapers } from './papers.ts';
import { cutRunOns, mendLines } from './repair.ts';
import { reportInto } from './report.ts';
import type { ParseResult, Problem } from './schema.ts';
import { reportUnread } from './unread.ts';

/** The layouts digests are read in, most specific first; the last one reads whatever the others do not claim. */
const FORMATS: readonly DigestFormat[] = [blogPost, dailyPapers];

/** The reader for a document, by what it holds rather than what its file is called. */
export function chooseFormat(doc: readonly Block[]): DigestFormat {
	return FORMATS.find((f) => f.claims(doc)) ?? (FORMATS[FORMATS.length - 1] as DigestFormat);
}

/** Removes a BOM and makes every line end `\n`, so line numbers match what an editor shows. */
export function normaliseText(text: string): string {
	return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * Blanks a YAML front matter block (`---` … `---` at the top, as static-site posts begin), line
 * for line: its title and dates are the publisher's, not the digest's, and markdown would read
 * its closing `---` as a heading underline.
 */
export function blankFrontMatter(text: string): string {
	if (!text.startsWith('---\n')) return text;
	const end = /^(?:---|\.\.\.)[ \t]*$/m.exec(text.slice(4));
	if (!end) return text;
	const stop = 4 + end.index + end[0].length;
	return text.slice(0, stop).replace(/[^\n]+/g, '') + text.slice(stop);
}

/**
 * Reads one digest file. Never throws: whatever it cannot use is reported as a problem with
 * the file and line, a bad paper is skipped, and the rest of the file still loads. A file that
 * yields no paper holds no digest. A file in its producer's usual shape is read line by line;
 * the answer is the same as the full parser's, only sooner.
 */
export function parseDigest(text: string, file: string): ParseResult {
	return guarded(text, file, (prepared) => readFast(prepared, file) ?? parseFull(prepared, file));
}

/** The full parser alone, never the line readers: what the fast path is held to. */
export function parseDigestFull(text: string, file: string): ParseResult {
	return guarded(text, file, (prepared) => parseFull(prepared, file));
}

/** The line readers alone: null where they leave the file to the full parser. */
export function parseDigestFast(text: string, file: string): ParseResult | null {
	return readFast(prepare(typeof text === 'string' ? text : String(text)), file);
}

function prepare(raw: string): string {
	return blankFrontMatter(normaliseText(raw));
}

function guarded(text: string, file: string, parse: (prepared: string) => ParseResult): ParseResult {
	try {
		return parse(prepare(typeof text === 'string' ? text : String(text)));
	} catch (err) {
		return {
			digest: null,
			problems: [{ file, line: 0, level: 'error', message: `could not be parsed (${err instanceof Error ? err.message : String(err)})` }],
		};
	}
}

function parseFull(prepared: string, file: string): ParseResult {
	const problems: Problem[] = [];
	const report = reportInto(file, problems);
	const text = mendLines(prepared, report);
	const lexed = blocks(text);
	const doc = cutRunOns(text, lexed, chooseFormat(lexed).startsPaper, report);
	const format = chooseFormat(doc);
	const read = format.read(doc, report);
	if (!read) return { digest: null, problems };
	const papers = finishPapers(read.drafts, report);
	reportUnread(text.split('\n'), doc, read, format, (id) => problems.some((p) => p.message.includes(id)), report);
	if (read.stated && read.stated.count !== papers.length) {
		report(read.stated.line, 'warning', statedMismatch(read.stated.count, papers.length));
	}
	if (papers.length === 0) {
		report(read.dateLine, 'error', `no paper could be read from the digest for ${read.date}; the file is not taken as a digest`);
		return { digest: null, problems };
	}
	return { digest: { date: read.date, file, papers }, problems };
}
