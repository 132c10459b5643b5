import type { Tokens } from 'marked';
import type { DigestFormat, FormatRead } from './format.ts';
import type { Block } from './markdown.ts';
import type { Report } from './report.ts';
import type { ProblemLevel } from './schema.ts';

/** The block a line belongs to: the last one starting at or before it. */
function blockAt(doc: readonly Block[], line: number): Block | undefined {
	let lo = 0;
	let hi = doc.length - 1;
	let found: Block | undefined;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const b = doc[mid] as Block;
		if (b.line <= line) {
			found = b;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

/** Why the reader passed over a line that looks like a paper's, and how bad that is. */
function reason(block: Block | undefined, line: number, text: string): { level: ProblemLevel; why: string } {
	const tok = block?.tok;
	const at = block && block.line !== line ? ` (line ${block.line})` : '';
	if (tok?.type === 'code') {
		return /^ {0,3}(?:`{3,}|~{3,})/.test(tok.raw)
			? { level: 'error', why: `it is inside the code block${at}` }
			: { level: 'error', why: 'it is indented four spaces or more, which makes it code' };
	}
	if (tok?.type === 'html') {
		// A closed comment hides what it holds on purpose; it is still said, as nothing is dropped in silence.
		return tok.raw.trimStart().startsWith('<!--')
			? { level: 'warning', why: `it is commented out in the HTML comment${at}` }
			: { level: 'error', why: `it is inside the HTML block${at}` };
	}
	if (tok?.type === 'blockquote') return { level: 'error', why: `it is inside a blockquote${at}` };
	if (tok?.type === 'list') return { level: 'error', why: `it is inside a list item${at}` };
	if (tok?.type === 'heading' && block?.line === line) {
		const depth = (tok as Tokens.Heading).depth;
		return { level: 'error', why: `it is a level-${depth} heading (${'#'.repeat(depth)}), and papers take ###` };
	}
	return { level: 'error', why: `"${text.trim().slice(0, 40)}" is not read as the start of a paper` };
}

/**
 * The check that no paper is dropped in silence: every line in the digest's spans that looks
 * like a paper's, whose paper was neither read nor already named in a problem, is reported
 * with its line and why the reader passed it over.
 */
export function reportUnread(
	lines: readonly string[],
	doc: readonly Block[],
	read: FormatRead,
	format: DigestFormat,
	named: (id: string) => boolean,
	report: Report,
): void {
	const startLines = new Set(read.drafts.map((d) => d.line));
	const ids = new Set(read.drafts.flatMap((d) => (d.id === null ? [] : [d.id])));
	const missed = new Set<string>();
	for (const span of read.spans) {
		for (let line = span.from; line <= Math.min(span.to, lines.length); line++) {
			const text = lines[line - 1] ?? '';
			const id = format.paperIn(text);
			if (!id || ids.has(id) || missed.has(id) || startLines.has(line) || named(id)) continue;
			missed.add(id);
			const { level, why } = reason(blockAt(doc, line), line, text);
			report(line, level, `paper ${id} is not read: ${why}; it is skipped`);
		}
	}
}
