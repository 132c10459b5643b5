import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseDigest } from '../digest/parse.ts';
import type { ParseResult, Problem } from '../digest/schema.ts';
import type { ArchiveChange, FileStamp } from './days.ts';
import type { FileInput } from './file-input.ts';

/** What reading one digest file gave: its parse, or why there is none. */
export type FileRead =
	| { kind: 'parsed'; result: ParseResult; bytes: number; parseMs: number }
	/** Parsed by a thread that writes it into the index itself, once told to (the result stays there). */
	| { kind: 'kept'; problems: Problem[]; bytes: number; parseMs: number; write: (stamp?: FileStamp) => Promise<ArchiveChange> }
	/** Parsed by a thread and encoded there as the index takes it (see FileInput). */
	| { kind: 'encoded'; input: FileInput; bytes: number; parseMs: number }
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
		const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
		return code === 'ENOENT' ? { kind: 'gone' } : { kind: 'unreadable', code };
	}
	let text: string;
	let total = 0;
	try {
		const chunks: Buffer[] = [];
		for (;;) {
			const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
			const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) break;
			chunks.push(buffer.subarray(0, bytesRead));
			total += bytesRead;
			if (total > maxBytes) return { kind: 'too-big', bytes: Math.max(total, (await handle.stat()).size) };
		}
		text = Buffer.concat(chunks, total).toString('utf8');
	} catch (err) {
		return { kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' };
	} finally {
		await handle.close().catch(() => undefined);
	}
	return parsed(text, file, total);
}

/**
 * The same, blocking: for the parser thread, which has nothing else to do meanwhile, and for
 * which every await on the disk is a round trip through its event loop (a first start on ten
 * years spent a fifth of the thread's time waiting so).
 */
export function readDigestSync(real: string, file: string, maxBytes: number): FileRead {
	let fd;
	try {
		fd = openSync(real, 'r');
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
		return code === 'ENOENT' ? { kind: 'gone' } : { kind: 'unreadable', code };
	}
	let text: string;
	let total = 0;
	try {
		const chunks: Buffer[] = [];
		for (;;) {
			const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
			const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
			if (bytesRead === 0) break;
			chunks.push(buffer.subarray(0, bytesRead));
			total += bytesRead;
			if (total > maxBytes) return { kind: 'too-big', bytes: Math.max(total, fstatSync(fd).size) };
		}
		text = Buffer.concat(chunks, total).toString('utf8');
	} catch (err) {
		return { kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' };
	} finally {
		try {
			closeSync(fd);
		} catch {
			// What was read stands; the descriptor goes with the thread at worst.
		}
	}
	return parsed(text, file, total);
}

function parsed(text: string, file: string, bytes: number): FileRead {
	const started = performance.now();
	const result = parseDigest(text, file);
	return { kind: 'parsed', result, bytes, parseMs: Math.round(performance.now() - started) };
}
