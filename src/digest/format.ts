import type { Block } from './markdown.ts';
import type { PaperDraft } from './papers.ts';
import type { Report } from './report.ts';

/** What a format reader found: the digest's day, the line that names it, and its papers as written. */
export interface FormatRead {
	date: string;
	dateLine: number;
	drafts: PaperDraft[];
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
}
