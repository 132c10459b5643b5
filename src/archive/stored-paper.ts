import type { ArchivedPaper, Paper } from '../digest/schema.ts';

/** A paper as a digest lists it, line number aside, held as JSON in the index. */
export type StoredPaper = Omit<Paper, 'line'>;

// Field by field rather than a rest spread, which V8 makes slow, on the start-up path of every paper.
export function archived(p: StoredPaper, date: string, dates: string[]): ArchivedPaper {
	const out: ArchivedPaper = {
		id: p.id,
		title: p.title,
		url: p.url,
		votes: p.votes,
		authors: p.authors,
		thumbnail: p.thumbnail,
		summary: p.summary,
		date,
		dates,
	};
	if (p.affiliation !== undefined) out.affiliation = p.affiliation;
	if (p.pageUrl !== undefined) out.pageUrl = p.pageUrl;
	return out;
}

/** The JSON a paper is kept as: fields in one order, no line, so equal papers give equal text. */
export function paperJson(p: StoredPaper): string {
	return JSON.stringify([p.id, p.title, p.url, p.votes, p.authors, p.thumbnail, p.summary, p.affiliation ?? null, p.pageUrl ?? null]);
}

export type PaperFields = [string, string, string, number | null, string[], string | null, Paper['summary'], string | null, string | null];

export function fromJson(json: string): StoredPaper {
	return fromFields(JSON.parse(json) as PaperFields);
}

export function fromFields([id, title, url, votes, authors, thumbnail, summary, affiliation, pageUrl]: PaperFields): StoredPaper {
	const p: StoredPaper = { id, title, url, votes, authors, thumbnail, summary };
	if (affiliation !== null) p.affiliation = affiliation;
	if (pageUrl !== null) p.pageUrl = pageUrl;
	return p;
}

/** Votes as the index sorts them: a paper without a count below every counted one. */
export function votesKey(votes: number | null): number {
	return votes ?? -1;
}
