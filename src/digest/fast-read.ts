import { blogPost } from './blog-post.ts';
import { dailyPapers } from './daily-papers.ts';
import { readBlogLines } from './fast-blog.ts';
import { readDailyLines } from './fast-daily.ts';
import type { DigestFormat, FormatRead } from './format.ts';
import { INVISIBLE } from './paper-lines.ts';
import { finishPapers } from './papers.ts';
import { reportInto, type Report } from './report.ts';
import type { ParseResult, Problem } from './schema.ts';

/** How the parser says a file's stated paper count is not what it read. */
export function statedMismatch(count: number, read: number): string {
	return `the file says it holds ${count} papers, but ${read} were read from it`;
}

/**
 * Whether the check for papers lost in silence would find nothing: every line that looks like
 * a paper's names a paper that was read, or is where one starts.
 */
function nothingUnread(lines: readonly string[], read: FormatRead, format: DigestFormat): boolean {
	const starts = new Set(read.drafts.map((d) => d.line));
	const ids = new Set(read.drafts.map((d) => d.id));
	for (const span of read.spans) {
		for (let line = span.from; line <= Math.min(span.to, lines.length); line++) {
			if (starts.has(line)) continue;
			const id = format.paperIn(lines[line - 1] ?? '');
			if (id && !ids.has(id)) return false;
		}
	}
	return true;
}

/**
 * A digest in the shape its producer writes most days, read line by line without marked's
 * lexer; null when the file is in any way not plainly in that shape, for the full parser to
 * read. Where it answers, the answer is the full parser's, problems and all. `text` is as the
 * full parser lexes it: normalised, its front matter blanked.
 */
export function readFast(text: string, file: string): ParseResult | null {
	// Invisible characters may be mended (and warned about) before lexing. The other mend, a heading
	// with no space after its hashes, needs a line the readers never take: they want `# ` or no hash.
	if (INVISIBLE.test(text)) return null;
	const lines = text.split('\n');
	const problems: Problem[] = [];
	const report: Report = reportInto(file, problems);
	const first = lines.find((l) => l !== '') ?? '';
	const format = first.startsWith('# ') ? blogPost : first.startsWith('## ') ? dailyPapers : null;
	const read = format === blogPost ? readBlogLines(lines) : format === dailyPapers ? readDailyLines(lines, report) : null;
	if (!format || !read || !nothingUnread(lines, read, format)) return null;
	const papers = finishPapers(read.drafts, report, true);
	if (papers.length === 0) return null;
	if (read.stated && read.stated.count !== papers.length) report(read.stated.line, 'warning', statedMismatch(read.stated.count, papers.length));
	return { digest: { date: read.date, file, papers }, problems };
}
