import type { ArchivedPaper } from '../digest/schema.ts';
import { arxivUrl } from '../digest/arxiv.ts';

export const EXPORT_FORMATS = ['bibtex', 'csv', 'markdown'] as const;
export type SavedExportFormat = (typeof EXPORT_FORMATS)[number];

/** A saved paper as exported: what the archive knows of it, or only its id when it left the archive. */
export interface ExportedPaper {
	id: string;
	savedAt: string;
	paper: ArchivedPaper | undefined;
}

const EXTENSIONS: Record<SavedExportFormat, string> = { bibtex: 'bib', csv: 'csv', markdown: 'md' };

export function exportFileName(format: SavedExportFormat, date: string): string {
	return `paperboy-saved-${date}.${EXTENSIONS[format]}`;
}

/** BibTeX's specials; braces stay balanced, so a title's own braces are escaped too. */
function bibValue(text: string): string {
	return text
		.replace(/[\r\n]+/g, ' ')
		.replace(/\\/g, '\\textbackslash{}')
		.replace(/([{}&%$#_])/g, '\\$1')
		.replace(/~/g, '\\textasciitilde{}')
		.replace(/\^/g, '\\textasciicircum{}');
}

/** `arXiv:2412.04887` papers are cited by their eprint: the year is the id's, which the archive's date may not be. */
function yearOf(id: string, date: string | undefined): string {
	const m = /^(\d{2})\d{2}\./.exec(id);
	return m ? `20${m[1]}` : (date?.slice(0, 4) ?? '');
}

function bibEntry({ id, paper }: ExportedPaper): string {
	const key = `arxiv${id.replace(/[^0-9A-Za-z]/g, '')}`;
	const fields: Array<[string, string]> = [];
	if (paper) fields.push(['title', `{${bibValue(paper.title)}}`]);
	if (paper && paper.authors.length > 0) fields.push(['author', `{${paper.authors.map(bibValue).join(' and ')}}`]);
	fields.push(['year', `{${yearOf(id, paper?.date)}}`], ['eprint', `{${id}}`], ['archivePrefix', '{arXiv}'], ['url', `{${arxivUrl(id)}}`]);
	return `@misc{${key},\n${fields.map(([k, v]) => `  ${k} = ${v}`).join(',\n')}\n}\n`;
}

/** RFC 4180; a cell starting with `=`, `+`, `-` or `@` is quoted after a `'`, so a spreadsheet shows it rather than running it. */
function csvField(value: string): string {
	const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_HEAD = ['id', 'title', 'authors', 'year', 'votes', 'url', 'savedAt'];

function csvRow({ id, savedAt, paper }: ExportedPaper): string {
	const cells = [
		id,
		paper?.title ?? '',
		paper?.authors.join('; ') ?? '',
		yearOf(id, paper?.date),
		paper?.votes == null ? '' : String(paper.votes),
		arxivUrl(id),
		savedAt,
	];
	return `${cells.map(csvField).join(',')}\r\n`;
}

function mdText(text: string): string {
	return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function mdLine({ id, paper }: ExportedPaper): string {
	const title = paper ? mdText(paper.title) : id;
	const authors = paper && paper.authors.length > 0 ? ` — ${mdText(paper.authors.join(', '))}` : '';
	return `- [${title}](${arxivUrl(id)})${authors} (arXiv:${id})\n`;
}

/** The member's list as a file, newest saved first. */
export function renderSavedExport(format: SavedExportFormat, papers: readonly ExportedPaper[]): string {
	if (format === 'bibtex') return papers.map(bibEntry).join('\n');
	if (format === 'csv') return `${CSV_HEAD.join(',')}\r\n${papers.map(csvRow).join('')}`;
	return `# Saved papers\n\n${papers.map(mdLine).join('')}`;
}
