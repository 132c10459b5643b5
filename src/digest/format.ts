import type { Block } from './markdown.ts';
import type { PaperDraft } from './papers.ts';
import type { Report } from './report.ts';
import type { ArxivId } from './schema.ts';

/** A run of lines, `from` to `to` inclusive, 1-based. */
export interface LineSpan {
	from: number;
	to: number;
}

/** What a format reader found: the digest's day, the line that names it, and its papers as written. */
export interface FormatRead {
	date: string;
	dateLine: number;
	drafts: PaperDraft[];
	/** The lines the reader took as the digest: a paper-like line in them that no draft accounts for was lost. */
	spans: LineSpan[];
	/** How many papers the file says it holds, where it says so: a check on the reading. */
	stated?: { count: number; line: number };
}

/**
 * One markdown layout digests are written in. Producers have changed layouts over the years;
 * each layout gets a reader of its own rather than one reader that guesses line by line.
 */
export interface DigestFormat {
	name: string;
	/** Whether the document is laid out this way. */
	claims(doc: readonly Block[]): boolean;
	/** The digest the document holds; null, with the reason reported, when it holds none. */
	read(doc: readonly Block[], report: Report): FormatRead | null;
	/**
	 * Whether a line, as written at the left margin, starts a paper (or a part of the digest) in
	 * this layout: where a block that ran on too far (an unclosed fence or comment) is cut.
	 */
	startsPaper(line: string): boolean;
	/**
	 * The paper a line seems to be about, however it is wrapped (indented, quoted, in a list,
	 * behind invisible characters); null when it looks like no paper's line. The check for
	 * papers lost in silence looks for these.
	 */
	paperIn(line: string): ArxivId | null;
}
