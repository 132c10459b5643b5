import { dailyPapers } from './daily-papers.ts';
import type { DigestFormat } from './format.ts';
import { blocks, type Block } from './markdown.ts';
import { finishPapers } from './papers.ts';
import { reportInto } from './report.ts';
import type { ParseResult, Problem } from './schema.ts';

/** The layouts digests are read in, most specific first; the last one reads whatever the others do not claim. */
const FORMATS: readonly DigestFormat[] = [dailyPapers];

export function chooseFormat(doc: readonly Block[]): DigestFormat {
	return FORMATS.find((f) => f.claims(doc)) ?? (FORMATS[FORMATS.length - 1] as DigestFormat);
}

/** Removes a BOM and makes every line end `\n`, so line numbers match what an editor shows. */
export function normaliseText(text: string): string {
	return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
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
	const problems: Problem[] = [];
	const report = reportInto(file, problems);
	const doc = blocks(normaliseText(raw));
	const read = chooseFormat(doc).read(doc, report);
	if (!read) return { digest: null, problems };
	const papers = finishPapers(read.drafts, report);
	if (papers.length === 0 && read.drafts.length === 0) report(read.dateLine, 'warning', `the digest for ${read.date} lists no papers`);
	return { digest: { date: read.date, file, papers }, problems };
}
