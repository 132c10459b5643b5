import { arxivUrl } from './arxiv.ts';
import { plainInline } from './markdown.ts';
import { knownValid } from './paper-check.ts';
import { truncate, type Report } from './report.ts';
import { Paper, type ArxivId } from './schema.ts';

/** A paper as a format reader read it: its id may be missing, and `skip` marks one whose heading was unusable. */
export type PaperDraft = Omit<Paper, 'id' | 'url'> & { id: ArxivId | null; skip: boolean };

/**
 * The papers of a digest from its drafts, whatever the format: each id once (the first listing
 * wins), summaries as plain text, and every paper checked against the schema. With `quick`, a
 * paper plainly valid skips the schema: it would come out of it equal, key for key.
 */
export function finishPapers(drafts: readonly PaperDraft[], report: Report, quick = false): Paper[] {
	const papers: Paper[] = [];
	const seen = new Map<string, number>();
	for (const d of drafts) {
		if (d.skip || d.id === null) continue;
		const first = seen.get(d.id);
		if (first !== undefined) {
			report(d.line, 'warning', `paper ${d.id} is already listed at line ${first}; it is counted once`);
			continue;
		}
		if (d.summary.length === 0) report(d.line, 'warning', `paper ${d.id} has no summary bullets`);
		// In the schema's key order, as the schema returns it.
		const candidate: Paper = {
			id: d.id,
			title: d.title,
			url: arxivUrl(d.id),
			votes: d.votes,
			authors: d.authors,
			thumbnail: d.thumbnail,
			summary: d.summary.map((s) => ({ label: s.label === null ? null : plainInline(s.label), text: plainInline(s.text) })),
			...(d.affiliation === undefined ? {} : { affiliation: d.affiliation }),
			...(d.pageUrl === undefined ? {} : { pageUrl: d.pageUrl }),
			line: d.line,
		};
		if (quick && knownValid(candidate)) {
			seen.set(d.id, d.line);
			papers.push({ ...candidate, authors: [...candidate.authors] });
			continue;
		}
		const checked = Paper.safeParse(candidate);
		if (!checked.success) {
			const why = checked.error.issues.map((i) => `${i.path.join('.') || 'paper'}: ${i.message}`).join('; ');
			report(d.line, 'error', `paper "${truncate(d.title, 80)}" is skipped: ${why}`);
			continue;
		}
		seen.set(d.id, d.line);
		papers.push(checked.data);
	}
	return papers;
}
