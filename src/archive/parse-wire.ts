import type { Paper, ParseResult, Problem } from '../digest/schema.ts';
import type { ArchiveChange, FileStamp } from './days.ts';
import type { FileRead } from './read-digest.ts';

/*
 * What goes between the loader and its parser thread. A parse travels as JSON text, which
 * the receiving thread reads several times faster than a structured clone of the same
 * objects, and in slices of papers, so a file of a hundred thousand papers is read back
 * between other work instead of in one long turn.
 */

export interface ParseRequest {
	id: number;
	real: string;
	file: string;
	maxBytes: number;
	/** Reply with the file encoded as the index takes it (see FileInput) when it is smaller than this many bytes; a bigger one is read as without it. */
	encodeBelow?: number;
}

/**
 * Where the thread has the index file too, it keeps a parse it made and writes it into the
 * index when told (in the loader's order), so a file of a hundred thousand papers never crosses
 * to the main thread at all, nor holds it up while it is written.
 */
export interface WriteRequest {
	id: number;
	/** The parse request whose result to write. */
	write: number;
	stamp?: FileStamp;
}

export interface EncodedParse {
	/** The result with no papers. */
	head: string;
	/** The papers, in order, a slice per entry. */
	slices: string[];
}

export type ParseReply =
	| { id: number; kind: 'parsed'; parse: EncodedParse; bytes: number; parseMs: number; stamp?: FileStamp }
	| { id: number; kind: 'kept'; problems: Problem[]; bytes: number; parseMs: number; stamp?: FileStamp }
	| { id: number; kind: 'written'; change: ArchiveChange }
	| { id: number; kind: 'write-failed'; message: string }
	| ({ id: number } & Exclude<FileRead, { kind: 'parsed' | 'kept' }>);

const PAPERS_PER_SLICE = 2000;

export function encodeParse(result: ParseResult): EncodedParse {
	const papers = result.digest?.papers ?? [];
	const head = JSON.stringify(result.digest ? { ...result, digest: { ...result.digest, papers: [] } } : result);
	const slices: string[] = [];
	for (let i = 0; i < papers.length; i += PAPERS_PER_SLICE) slices.push(JSON.stringify(papers.slice(i, i + PAPERS_PER_SLICE)));
	return { head, slices };
}

/** Reads an encoded parse back, yielding to other work between slices. */
export async function decodeParse(encoded: EncodedParse): Promise<ParseResult> {
	const result = JSON.parse(encoded.head) as ParseResult;
	const papers: Paper[] = [];
	for (const slice of encoded.slices) {
		if (papers.length > 0) await new Promise((resolve) => setImmediate(resolve));
		for (const p of JSON.parse(slice) as Paper[]) papers.push(p);
	}
	if (result.digest) result.digest.papers = papers;
	return result;
}
