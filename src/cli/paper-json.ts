import type { ArchivedPaper } from '../digest/schema.ts';

/** A paper as the CLI prints it in JSON; the fields a digest may lack appear only when it has them. */
export function paperJson(p: ArchivedPaper): Record<string, unknown> {
	return {
		id: p.id,
		title: p.title,
		url: p.url,
		date: p.date,
		dates: p.dates,
		votes: p.votes,
		authors: p.authors,
		thumbnail: p.thumbnail,
		summary: p.summary.map((s) => ({ label: s.label, text: s.text })),
		...(p.affiliation === undefined ? {} : { affiliation: p.affiliation }),
		...(p.pageUrl === undefined ? {} : { pageUrl: p.pageUrl }),
	};
}
