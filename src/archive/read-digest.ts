import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseDigest } from '../digest/parse.ts';
import type { ParseResult, Problem } from '../digest/schema.ts';
import type { ArchiveChange, FileStamp } from './days.ts';
import type { FileInput } from './file-input.ts';

/**
 * What reading one digest file gave: its parse, or why there is none. `stamp`, where the reader
 * took it, is the file's size and mtime as it was opened.
 */
export type FileRead =
	| { kind: 'parsed'; result: ParseResult; bytes: number; parseMs: number; stamp?: FileStamp }
	/** Parsed by a thread that writes it into the index itself, once told to (the result stays there). */
	| { kind: 'kept'; problems: Problem[]; bytes: number; parseMs: number; stamp?: FileStamp; write: (stamp?: FileStamp) => Promise<ArchiveChange> }
	/** Parsed by a thread and encoded there as the index takes it (see FileInput). */
	| { kind: 'encoded'; input: FileInput; bytes: number; parseMs: number; stamp?: FileStamp }
	| { kind: 'too-big'; bytes: number }
	| { kind: 'unreadable'; code: string }
	| { kind: 'gone' };

const CHUNK = 1 << 20;

/**
 * Reads at most `maxBytes` of the file, then parses it. The size is checked while reading,
 * not only before: a file that grows after it was listed is still refused. Never rejects.
 */
export async function readDigest(real: string, file: string, maxBytes: number): Promise<FileRead> {
	let handle;
	try {
		handle = await open(real, 'r');
	} catch (err) {
		return openFailed(err);
	}
	const got = new Capped(maxBytes);
	try {
		let buffer = got.space();
		while (got.took(buffer, (await handle.read(buffer, 0, buffer.length, null)).bytesRead)) buffer = got.space();
		if (got.tooBig()) return { kind: 'too-big', bytes: Math.max(got.total, (await handle.stat()).size) };
	} catch (err) {
		return unreadable(err);
	} finally {
		await handle.close().catch(() => undefined);
	}
	return parsed(got.text(), file, got.total);
}

/**
 * The same, blocking, and stamped as the file is opened: for the parser thread, which has
 * nothing else to do meanwhile, and for which every await on the disk is a round trip through
 * its event loop (a first start on ten years spent a fifth of the thread's time waiting so).
 */
export function readDigestSync(real: string, file: string, maxBytes: number): FileRead {
	let fd;
	try {
		fd = openSync(real, 'r');
	} catch (err) {
		return openFailed(err);
	}
	const got = new Capped(maxBytes);
	let stamp: FileStamp;
	try {
		const info = fstatSync(fd);
		stamp = { size: info.size, mtimeMs: info.mtimeMs };
		let buffer = got.space();
		while (got.took(buffer, readSync(fd, buffer, 0, buffer.length, null))) buffer = got.space();
		if (got.tooBig()) return { kind: 'too-big', bytes: Math.max(got.total, fstatSync(fd).size) };
	} catch (err) {
		return unreadable(err);
	} finally {
		try {
			closeSync(fd);
		} catch {
			// What was read stands; the descriptor goes with the thread at worst.
		}
	}
	return { ...parsed(got.text(), file, got.total), stamp };
}

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'EIO';
const unreadable = (err: unknown): FileRead => ({ kind: 'unreadable', code: errorCode(err) });
/** A file gone since it was listed is no error of its own: the scan forgets it. */
const openFailed = (err: unknown): FileRead => (errorCode(err) === 'ENOENT' ? { kind: 'gone' } : unreadable(err));

/** A file's bytes, a chunk at a time, up to one past `maxBytes`: a file that reaches that is too big, however far it has grown. */
class Capped {
	private readonly chunks: Buffer[] = [];
	total = 0;

	constructor(private readonly maxBytes: number) {}

	/** Where the next read goes. */
	space(): Buffer {
		return Buffer.allocUnsafe(Math.min(CHUNK, this.maxBytes + 1 - this.total));
	}

	/** Keeps what a read put in `buffer`; false once the file has ended or is too big. */
	took(buffer: Buffer, bytesRead: number): boolean {
		if (bytesRead === 0) return false;
		this.chunks.push(buffer.subarray(0, bytesRead));
		this.total += bytesRead;
		return !this.tooBig();
	}

	tooBig(): boolean {
		return this.total > this.maxBytes;
	}

	text(): string {
		return Buffer.concat(this.chunks, this.total).toString('utf8');
	}
}

function parsed(text: string, file: string, bytes: number): Extract<FileRead, { kind: 'parsed' }> {
	const started = performance.now();
	const result = parseDigest(text, file);
	return { kind: 'parsed', result, bytes, parseMs: Math.round(performance.now() - started) };
}
