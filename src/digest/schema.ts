import { z } from 'zod';

/** `YYYY-MM-DD`, a real calendar day. */
export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

/**
 * A normalised arXiv id without version: new style `2412.04887` (4.4 or 4.5 digits) or
 * old style `hep-th/9901001` / `math.AG/0309136`.
 */
export const ArxivId = z.string().regex(/^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})$/, 'not an arXiv id');
export type ArxivId = z.infer<typeof ArxivId>;

/** One bullet of a paper's summary. `label` is null for unlabelled bullets (older eras). */
export const SummaryItem = z.object({
	label: z.string().min(1).nullable(),
	text: z.string().min(1),
});
export type SummaryItem = z.infer<typeof SummaryItem>;

/** A paper as it appears in one digest file. */
export const Paper = z.object({
	id: ArxivId,
	title: z.string().min(1),
	/** Canonical `https://arxiv.org/abs/<id>`. */
	url: z.url(),
	votes: z.number().int().nonnegative().nullable(),
	authors: z.array(z.string().min(1)),
	/** Absolute https URL or null; relative paths are resolved or dropped by the parser. */
	thumbnail: z.url().nullable(),
	summary: z.array(SummaryItem),
	/** Who the paper comes from, when the digest names it (the blog posts' `기관:`). */
	affiliation: z.string().min(1).optional(),
	/** The paper's Hugging Face page, when the digest links it apart from arXiv. */
	pageUrl: z.url().optional(),
	/** 1-based line where the paper starts in its file (its `###` heading or numbered item). */
	line: z.number().int().positive(),
});
export type Paper = z.infer<typeof Paper>;

export const ProblemLevel = z.enum(['error', 'warning']);
export type ProblemLevel = z.infer<typeof ProblemLevel>;
export const Problem = z.object({
	/** Path as the caller named the file (the CLI makes it relative to the scanned dir). */
	file: z.string(),
	line: z.number().int().nonnegative(),
	level: ProblemLevel,
	message: z.string(),
});
export type Problem = z.infer<typeof Problem>;

/** One file's digest: the day and its papers, each id once, in file order. */
export const Digest = z.object({
	date: IsoDate,
	file: z.string(),
	papers: z.array(Paper),
});
export type Digest = z.infer<typeof Digest>;

/** What the parser returns for one file: a digest, or null when the file holds none. */
export interface ParseResult {
	digest: Digest | null;
	problems: Problem[];
}

/** A paper as the archive knows it: the newest appearance, plus every date it appeared on. */
export const ArchivedPaper = Paper.omit({ line: true }).extend({
	date: IsoDate,
	dates: z.array(IsoDate),
});
export type ArchivedPaper = z.infer<typeof ArchivedPaper>;
