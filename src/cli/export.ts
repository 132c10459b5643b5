import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Archive } from '../archive/archive.ts';
import { archived } from '../archive/days.ts';
import { listDigestFiles } from '../archive/load.ts';
import { parseDigest } from '../digest/parse.ts';
import type { ArchivedPaper, ParseResult } from '../digest/schema.ts';
import { paperJson } from './paper-json.ts';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CSV columns: the paper's JSON fields in their order, then the file it was read from. */
export const CSV_COLUMNS = ['id', 'title', 'url', 'date', 'dates', 'votes', 'authors', 'thumbnail', 'summary', 'affiliation', 'pageUrl', 'file'] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvRow(p: ArchivedPaper, file: string): string {
	const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
		id: p.id,
		title: p.title,
		url: p.url,
		date: p.date,
		dates: p.dates.join(' '),
		votes: p.votes === null ? '' : String(p.votes),
		authors: p.authors.join('; '),
		thumbnail: p.thumbnail ?? '',
		// One cell for the whole summary: a bullet a line, its label before it.
		summary: p.summary.map((s) => (s.label ? `${s.label}: ${s.text}` : s.text)).join('\n'),
		affiliation: p.affiliation ?? '',
		pageUrl: p.pageUrl ?? '',
		file,
	};
	return `${CSV_COLUMNS.map((c) => csvField(cells[c])).join(',')}\r\n`;
}

export interface ExportSummary {
	files: number;
	digests: number;
	papers: number;
}

/**
 * Every paper of every digest file under `dir`, one per line in file order, each as its own
 * file read it (so a rewritten day's two files each give their own votes), with the dates the
 * archive knows it on. A file that holds no digest gives no line.
 */
export async function exportPapers(dir: string, format: ExportFormat, write: (text: string) => void): Promise<ExportSummary> {
	const files = await listDigestFiles(dir);
	const archive = new Archive();
	const results: [string, ParseResult][] = [];
	for (const file of files) {
		const result = parseDigest(await readFile(path.join(dir, file), 'utf8'), file);
		archive.setFile(file, result);
		results.push([file, result]);
	}
	if (format === 'csv') write(`${CSV_COLUMNS.join(',')}\r\n`);
	const summary: ExportSummary = { files: files.length, digests: 0, papers: 0 };
	for (const [file, { digest }] of results) {
		if (!digest || digest.papers.length === 0) continue;
		summary.digests += 1;
		for (const p of digest.papers) {
			const paper = archived(p, digest.date, archive.paper(p.id)?.dates ?? [digest.date]);
			write(format === 'csv' ? csvRow(paper, file) : `${JSON.stringify({ ...paperJson(paper), file })}\n`);
			summary.papers += 1;
		}
	}
	return summary;
}
