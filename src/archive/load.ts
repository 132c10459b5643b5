import { stat } from 'node:fs/promises';
import type { Problem } from '../digest/schema.ts';
import { silentLogger, type Logger } from '../log.ts';
import { walkDigestDir, type ListedFile, type ListingProblem } from './list-files.ts';
import { inlineReader, ParserStartError, ParserThread, type DigestReader } from './parse-thread.ts';
import type { FileRead } from './read-digest.ts';
import { summariseScan } from './scan-summary.ts';
import { Archive, type ArchiveChange, type FileStamp } from './archive.ts';

export { listDigestFiles } from './list-files.ts';

/** The size limit when none is given, in megabytes (MAX_DIGEST_MB). */
export const DEFAULT_MAX_DIGEST_MB = 20;
const MB = 1024 * 1024;

export interface ArchiveLoaderOptions {
	dir: string;
	archive: Archive;
	logger?: Logger;
	now?: () => number;
	/** A file modified more recently than this is still being written; it waits for a later scan. */
	settleMs?: number;
	/** A file larger than this many megabytes (of 1,048,576 bytes) is refused, not read. */
	maxDigestMb?: number;
}

export interface ScanResult {
	added: string[];
	changed: string[];
	removed: string[];
	/** Digest dates whose content this scan added or changed. */
	dates: string[];
	/** When the first file this scan found still being written will have settled (epoch ms): a scan then reads it. */
	settleAt?: number;
}

type Seen = FileStamp;

/** Why a path under the folder gave no digest: kept in the archive as its problem, logged once. */
interface Failure {
	level: 'error' | 'warning';
	message: string;
	/** A file that stopped the parser is read again only once it changes. */
	stuck?: Seen;
}

type ReadOutcome = { kind: 'unchanged' } | { kind: 'settling'; at: number } | { kind: 'crashed'; err: unknown; seen: Seen } | (FileRead & { seen?: Seen });

/** Megabytes to three figures: 21, 15.5, 0.0134. */
function mb(bytes: number): string {
	return String(Number((bytes / MB).toPrecision(3)));
}

/** Keeps an Archive in step with a folder, re-reading only files whose size or mtime changed. */
export class ArchiveLoader {
	private readonly dir: string;
	private readonly archive: Archive;
	private readonly logger: Logger;
	private readonly now: () => number;
	private readonly settleMs: number;
	private readonly maxMb: number;
	private readonly maxBytes: number;
	private offThread = true;
	private readonly seen = new Map<string, Seen>();
	/** Paths reported as giving no digest, with what was reported: said again only when it changes. */
	private readonly failed = new Map<string, Failure>();

	constructor(opts: ArchiveLoaderOptions) {
		this.dir = opts.dir;
		this.archive = opts.archive;
		this.logger = opts.logger ?? silentLogger;
		this.now = opts.now ?? Date.now;
		this.settleMs = opts.settleMs ?? 2000;
		this.maxMb = opts.maxDigestMb ?? DEFAULT_MAX_DIGEST_MB;
		this.maxBytes = Math.floor(this.maxMb * MB);
		// What the index already holds as read need not be read again, unless it changed while we were down.
		for (const [file, stamp] of this.archive.stamps()) this.seen.set(file, stamp);
	}

	/** Start-up: reads every file now, settled or not. */
	loadAll(): Promise<ScanResult> {
		return this.oneAtATime(() => this.scanWith(Number.POSITIVE_INFINITY));
	}

	scan(): Promise<ScanResult> {
		return this.oneAtATime(() => this.scanWith(this.settleMs));
	}

	/*
	 * Scans share what was seen of each file. Two at once (the timer's and a caller's) could each
	 * read one file, and the slower one, holding an older read, would put the older text back.
	 */
	private last: Promise<unknown> = Promise.resolve();
	private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
		const next = this.last.then(run, run);
		this.last = next.catch(() => undefined);
		return next;
	}

	private reading: { read: number; total: number } | undefined;
	private stopped = false;

	/** Ends the scan in flight after the file at hand, and every later one at once: what was read is kept, the rest read at the next start. */
	stop(): Promise<void> {
		this.stopped = true;
		return this.last.then(() => undefined);
	}

	/** How far the scan in progress has come through the folder's files; none when no scan runs. */
	progress(): { read: number; total: number } | undefined {
		return this.reading && { ...this.reading };
	}

	private async scanWith(settleMs: number): Promise<ScanResult> {
		this.archive.batch(true);
		try {
			return await this.scanBatched(settleMs);
		} finally {
			this.reading = undefined;
			this.archive.batch(false);
		}
	}

	private async scanBatched(settleMs: number): Promise<ScanResult> {
		const result: ScanResult = { added: [], changed: [], removed: [], dates: [] };
		const dates = new Set<string>();
		let listing;
		try {
			listing = await walkDigestDir(this.dir);
		} catch (err) {
			this.logger.error({ dir: this.dir, err }, 'digest folder cannot be read');
			return result;
		}
		const present = new Set(listing.files.map((f) => f.file));
		const failures = new Map<string, Failure>(listing.problems.map((p) => [p.file, listingFailure(p)]));
		const now = this.now();
		this.reading = { read: 0, total: listing.files.length };
		// Many files not yet read (a first start, a folder restored): the parser thread takes every one, this thread only writes.
		const many = listing.files.length - this.seen.size >= MANY_FILES;
		for await (const [{ file }, got] of inOrder(listing.files, many ? READ_AHEAD_MANY : READ_AHEAD, (f) => this.read(f, settleMs, now, many))) {
			this.reading.read++;
			if (got.kind === 'gone') {
				present.delete(file);
			} else if (got.kind === 'settling') {
				this.logger.debug({ file }, 'digest file still being written; next scan');
				result.settleAt = Math.min(result.settleAt ?? got.at, got.at);
			} else if (got.kind === 'too-big') {
				failures.set(file, { level: 'error', message: `is ${mb(got.bytes)} MB, over MAX_DIGEST_MB (${this.maxMb}); not read` });
			} else if (got.kind === 'unreadable') {
				failures.set(file, { level: 'error', message: `cannot be read (${got.code}); not loaded` });
			} else if (got.kind === 'crashed') {
				const why = got.err instanceof Error ? got.err.message : String(got.err);
				failures.set(file, { level: 'error', message: `could not be parsed (${why}); not read again until it changes`, stuck: got.seen });
			} else if (got.kind === 'parsed' || got.kind === 'kept' || got.kind === 'encoded') {
				if (got.parseMs > SLOW_PARSE_MS) this.logger.info({ file, ms: got.parseMs, mb: mb(got.bytes) }, 'digest file took long to parse');
				let change: ArchiveChange | undefined;
				try {
					if (got.kind === 'kept') this.archive.flush();
					change =
						got.kind === 'kept'
							? this.archive.wroteElsewhere(await got.write(got.seen))
							: this.archive.setFile(file, got.kind === 'parsed' ? got.result : got.input, got.seen);
				} catch (err) {
					// The index's trouble (a full disk), not the file's: it is read again at every scan until it fits.
					const why = err instanceof Error ? err.message : String(err);
					failures.set(file, { level: 'error', message: `could not be written to the archive index (${why}); read again at the next scan` });
				}
				if (change) {
					this.apply(file, got.kind === 'parsed' ? got.result.problems : got.kind === 'encoded' ? got.input.problems : got.problems, change, result, dates);
					this.failed.delete(file);
					if (got.seen) this.seen.set(file, got.seen);
				}
			}
			// A file that failed before and was not read again this time keeps its problem.
			const before = this.failed.get(file);
			if (before && !failures.has(file) && (got.kind === 'unchanged' || got.kind === 'settling')) failures.set(file, before);
			if (this.stopped) break;
		}
		// Files not reached were not read: nothing is known of them to report or forget.
		if (this.stopped) return result;
		for (const [file, failure] of failures) this.fail(file, failure, result, dates);
		for (const file of [...this.failed.keys()]) {
			if (failures.has(file)) continue;
			this.failed.delete(file);
			this.archive.removeFile(file);
		}
		for (const file of [...this.seen.keys()]) {
			if (present.has(file)) continue;
			this.seen.delete(file);
			this.archive.removeFile(file);
			result.removed.push(file);
		}
		result.dates = [...dates].sort();
		if (result.added.length + result.changed.length + result.removed.length > 0) {
			this.logger.info(summariseScan(result), 'digest archive updated');
		}
		return result;
	}

	// The thread starts on the first big file or the first scan of many files (most scans are neither) and stops when idle.
	private thread: ParserThread | undefined;
	private parserThread(): ParserThread {
		// Parsing takes about fifty times a file's size; twice that leaves room, and a file that needs more stops only the thread.
		return (this.thread ??= new ParserThread({ heapMb: Math.max(256, Math.ceil(this.maxMb * 100)), ...this.writesTo() }));
	}

	/** How a file of `bytes` is read: here, by the thread (which keeps a big one to write itself), or encoded there when the scan reads `many`. */
	private reader(bytes: number, many: boolean): DigestReader['read'] {
		if (!this.offThread || (bytes < OFF_THREAD_BYTES && !many)) return inlineReader.read;
		const thread = this.parserThread();
		return bytes >= OFF_THREAD_BYTES ? (...a) => thread.read(...a) : (...a) => thread.encode(...a);
	}

	/*
	 * A file never read, in a scan of many that reads everything now: sent to the thread at once,
	 * which stamps it as it opens it. A stat here first would hold each request until this thread,
	 * busy committing a batch, got round to its answer, and the thread would sit idle meanwhile.
	 * Undefined when the thread could not read it (it could not start, or died): the file is then
	 * read as any other is.
	 */
	private async readFirst(real: string, file: string): Promise<ReadOutcome | undefined> {
		let got;
		try {
			got = await this.parserThread().encode(real, file, this.maxBytes, OFF_THREAD_BYTES);
		} catch {
			return undefined;
		}
		return 'stamp' in got && got.stamp ? { ...got, seen: got.stamp } : got;
	}

	/** Where the parser thread may write the big files it reads itself: the index file, if the archive has one. */
	private writesTo(): { indexFile?: string } {
		const indexFile = this.archive.indexFile();
		return indexFile ? { indexFile } : {};
	}

	private apply(file: string, problems: Problem[], change: ArchiveChange, result: ScanResult, dates: Set<string>): void {
		// Only days whose papers differ are news for delivery, and a day the file left empty has nothing to deliver.
		for (const date of change.dates) if (this.archive.hasDate(date)) dates.add(date);
		(this.seen.has(file) ? result.changed : result.added).push(file);
		for (const p of problems) {
			// What `check` calls a warning is one here too: papers may be missing from what members see.
			const log = p.level === 'error' ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
			log({ file: p.file, ...(p.line ? { line: p.line } : {}) }, p.message);
		}
	}

	/** Puts the failure in the archive as the path's one problem, so `check` lists it; logs it when it is news. */
	private fail(file: string, failure: Failure, result: ScanResult, dates: Set<string>): void {
		const before = this.failed.get(file);
		this.failed.set(file, failure);
		if (before?.level === failure.level && before.message === failure.message) return;
		(failure.level === 'error' ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger))({ file }, failure.message);
		let change: ArchiveChange;
		try {
			change = this.archive.setFile(file, { digest: null, problems: [{ file, line: 0, level: failure.level, message: failure.message }] });
		} catch (err) {
			// A full index cannot take the problem either; the log above said it.
			this.logger.debug({ file, err }, 'the problem could not be kept in the archive index');
			return;
		}
		for (const date of change.dates) if (this.archive.hasDate(date)) dates.add(date);
		// A file that held a digest and now holds none has changed; what never loaded adds nothing.
		if (this.seen.delete(file)) result.changed.push(file);
	}

	/** Never rejects: reads run ahead of parsing, and a rejection nobody awaits yet would crash the process. */
	private async read(listed: ListedFile, settleMs: number, now: number, many: boolean): Promise<ReadOutcome> {
		const { file, real } = listed;
		if (many && this.offThread && !Number.isFinite(settleMs) && !this.seen.has(file) && !this.failed.has(file)) {
			const first = await this.readFirst(real, file);
			if (first) return first;
		}
		let info;
		try {
			info = await stat(real);
		} catch {
			return { kind: 'gone' };
		}
		const seen = { size: info.size, mtimeMs: info.mtimeMs };
		const prev = this.seen.get(file) ?? this.failed.get(file)?.stuck;
		if (prev && prev.size === info.size && prev.mtimeMs === info.mtimeMs) return { kind: 'unchanged' };
		// No settle time means read now, even a file stamped a fraction of a millisecond after `now`.
		if (settleMs > 0 && Number.isFinite(settleMs) && now - info.mtimeMs < settleMs) return { kind: 'settling', at: info.mtimeMs + settleMs };
		if (info.size > this.maxBytes) return { kind: 'too-big', bytes: info.size };
		try {
			return { ...(await this.reader(info.size, many)(real, file, this.maxBytes)), seen };
		} catch (err) {
			if (!(err instanceof ParserStartError)) return { kind: 'crashed', err, seen };
			if (this.offThread) this.logger.error({ err }, 'the parser thread cannot start; parsing on the main thread');
			this.offThread = false;
			return { ...(await inlineReader.read(real, file, this.maxBytes)), seen };
		}
	}
}

function listingFailure(p: ListingProblem): Failure {
	return { level: p.kind === 'unreadable' ? 'error' : 'warning', message: p.message };
}

// A few files in flight keep the disk (and the parser thread) busy while this thread parses or indexes.
const READ_AHEAD = 8;

/*
 * A scan with this many files more than the index holds reads them all on the parser thread,
 * which reads, parses and encodes them while this thread writes the ones before. A few new
 * files are read here, quicker than a thread starts. The thread runs this far ahead, so that a
 * batch's commit (a second or so) does not leave it idle: with 64 files ahead a first start on
 * ten years read no faster than on this thread alone, with 256 in about 0.9× the time. What
 * waits is a few megabytes of day digests; at worst, files just under OFF_THREAD_BYTES, 256 of them.
 */
const MANY_FILES = 32;
const READ_AHEAD_MANY = 256;

/*
 * Files this big go to the parser thread: parsing runs at a few megabytes a second, so one
 * would hold every interaction up, and marked's recursion overflows the main thread's stack
 * near 20 MB (a worker's is four times deeper). A day's digest is a few dozen kilobytes, read
 * here in milliseconds between other work, without a thread to start.
 */
const OFF_THREAD_BYTES = 256 * 1024;

// A parse slower than this is worth a line: the producer may be writing files far larger than a day's digest.
const SLOW_PARSE_MS = 1000;

/** `task` over `items` with at most `limit` running, results in the order of `items`. */
export async function* inOrder<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): AsyncGenerator<[T, R]> {
	const running: Promise<R>[] = [];
	let next = 0;
	const refill = () => {
		while (running.length < Math.max(1, limit) && next < items.length) running.push(task(items[next++] as T));
	};
	refill();
	for (let i = 0; i < items.length; i++) {
		const result = await (running.shift() as Promise<R>);
		refill();
		yield [items[i] as T, result];
	}
}

/** Reads every digest under `dir` into a fresh Archive in memory, for one-shot use. */
export async function loadArchive(dir: string, opts: { logger?: Logger; maxDigestMb?: number } = {}): Promise<Archive> {
	const archive = new Archive();
	await new ArchiveLoader({ dir, archive, ...opts }).loadAll();
	return archive;
}
