import type { ParseResult, Problem } from '../digest/schema.ts';
import { paperJson, votesKey } from './stored-paper.ts';

/** One paper of a file as the index writes it. */
export interface InputPaper {
	id: string;
	/** As the index sorts them (see votesKey). */
	votes: number;
	json: string;
}

/**
 * A file's reading as the index takes it: the day it gives (none for no digest, or a digest of
 * no paper: an empty day is no day) and its papers already encoded. Made where the file was
 * parsed, on the parser thread when a scan reads many files, so the thread that writes the
 * index neither reads, parses nor encodes.
 */
export interface FileInput {
	date: string | null;
	problems: Problem[];
	papers: InputPaper[];
}

export function fileInput(result: ParseResult): FileInput {
	const digest = result.digest;
	if (!digest || digest.papers.length === 0) return { date: null, problems: result.problems, papers: [] };
	return { date: digest.date, problems: result.problems, papers: digest.papers.map((p) => ({ id: p.id, votes: votesKey(p.votes), json: paperJson(p) })) };
}
