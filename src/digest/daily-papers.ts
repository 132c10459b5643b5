import type { Token, Tokens } from 'marked';
import type { DigestFormat, LineSpan } from './format.ts';
import { collapse, type Block } from './markdown.ts';
import { paperHeadingId, readPaper } from './paper-body.ts';
import { headingPaperId, isPaperOrDayHeading } from './paper-lines.ts';
import type { PaperDraft } from './papers.ts';
import { truncate, type Report } from './report.ts';
import { IsoDate } from './schema.ts';

const DATE_IN_HEADING = /(\d{4}-\d{2}-\d{2})/;

/** From one `#`/`##` heading to the next; the part of the document before the first heading has none. */
interface Section {
	heading: Tokens.Heading | null;
	line: number;
	body: Block[];
}

/** What a section's heading makes of it. */
type Role = { kind: 'preamble' } | { kind: 'undated' } | { kind: 'not-a-day'; date: string } | { kind: 'day'; date: string };

interface Part {
	section: Section;
	role: Role;
}

// Only a `#`/`##` line starts or ends a digest: a setext heading (a line over `---`) is too easily
// made by accident inside a summary to silently drop the papers after it.
function isSectionHeading(tok: Token): tok is Tokens.Heading {
	return tok.type === 'heading' && (tok as Tokens.Heading).depth <= 2 && tok.raw.startsWith('#');
}

function isPaperHeading(tok: Token): tok is Tokens.Heading {
	return tok.type === 'heading' && (tok as Tokens.Heading).depth === 3;
}

function sections(doc: readonly Block[]): Section[] {
	const out: Section[] = [{ heading: null, line: 0, body: [] }];
	for (const block of doc) {
		if (isSectionHeading(block.tok)) out.push({ heading: block.tok, line: block.line, body: [] });
		else out[out.length - 1]?.body.push(block);
	}
	return out;
}

function roleOf(section: Section): Role {
	if (!section.heading) return { kind: 'preamble' };
	const date = DATE_IN_HEADING.exec(section.heading.text)?.[1];
	if (!date) return { kind: 'undated' };
	return IsoDate.safeParse(date).success ? { kind: 'day', date } : { kind: 'not-a-day', date };
}

/** The papers of a section of the digest: each `###` heading starts one; blocks before the first belong to none. */
function readPapers(body: readonly Block[], report: Report): PaperDraft[] {
	const starts = body.flatMap((b, i) => (isPaperHeading(b.tok) ? [i] : []));
	return starts.map((start, k) => {
		const { tok, line } = body[start] as Block;
		return readPaper(tok as Tokens.Heading, line, body.slice(start + 1, starts[k + 1] ?? body.length), report);
	});
}

/**
 * A dateless heading ends the digest (a README goes on with other sections). Paper headings
 * after it are most likely the digest going on under a stray heading, so the first one is
 * warned about, once per such ending: the message for each section that holds it.
 */
function strayPapers(parts: readonly Part[], date: string): Map<Section, { line: number; message: string }> {
	const out = new Map<Section, { line: number; message: string }>();
	parts.forEach((part, i) => {
		const ender = parts[i + 1];
		if (part.role.kind !== 'day' || part.role.date !== date || ender?.role.kind !== 'undated') return;
		const heading = ender.section.heading as Tokens.Heading;
		for (let j = i + 1; parts[j]?.role.kind === 'undated'; j++) {
			const section = (parts[j] as Part).section;
			const stray = section.body.find((b) => isPaperHeading(b.tok) && paperHeadingId(b.tok) !== null);
			if (!stray) continue;
			const message = `a paper heading follows "${truncate(collapse(heading.text), 60)}" (line ${ender.section.line}), which ends the digest for ${date}; it and the papers after it are skipped`;
			out.set(section, { line: stray.line, message });
			return;
		}
	});
	return out;
}

/**
 * The layout of the Hugging Face daily-papers digests: a `## … (YYYY-MM-DD)` heading, then a
 * `###` heading per paper linking to it, its votes, authors, picture and summary bullets.
 * A file holds one day; a rerun may append the same day again.
 */
export const dailyPapers: DigestFormat = {
	name: 'daily-papers',

	claims(doc) {
		return doc.some((b) => isSectionHeading(b.tok) && DATE_IN_HEADING.test(b.tok.text));
	},

	read(doc, report) {
		const parts = sections(doc).map((section) => ({ section, role: roleOf(section) }));
		const first = parts.find((p) => p.role.kind === 'day');
		const date = first?.role.kind === 'day' ? first.role.date : undefined;
		const otherDay = parts.find((p) => p.role.kind === 'day' && p.role.date !== date);
		const strays = date === undefined ? new Map() : strayPapers(parts, date);
		const drafts: PaperDraft[] = [];
		const spans: LineSpan[] = [];
		parts.forEach(({ section, role }, i) => {
			if (role.kind === 'day' && role.date === date) spans.push({ from: section.line, to: (parts[i + 1]?.section.line ?? Number.MAX_SAFE_INTEGER) - 1 });
		});
		for (const { section, role } of parts) {
			if (role.kind === 'not-a-day') {
				report(section.line, 'error', `the digest heading names "${role.date}", which is not a calendar date; its papers are skipped`);
			} else if (role.kind === 'day' && role.date === date) {
				// A rerun may have appended the same day's digest again: it is read too, and its repeats dropped with the rest.
				drafts.push(...readPapers(section.body, report));
			} else if (role.kind === 'day' && otherDay?.section === section) {
				report(
					section.line,
					'warning',
					`a second digest heading for ${role.date} follows the one for ${date} (line ${first?.section.line}); only ${date} is read from this file`,
				);
			}
			const stray = strays.get(section);
			if (stray) report(stray.line, 'warning', stray.message);
		}
		if (!first || date === undefined) {
			report(0, 'error', 'no digest heading such as "## Daily Papers (2024-12-09)" was found; the file is skipped');
			return null;
		}
		return { date, dateLine: first.section.line, drafts, spans };
	},

	startsPaper: (line) => isPaperOrDayHeading(line),
	paperIn: headingPaperId,
};
