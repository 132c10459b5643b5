import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDigest } from '../digest/parse.ts';
import { silentLogger, type Logger } from '../log.ts';
import { summariseScan } from './scan-summary.ts';
import { Archive } from './archive.ts';

const DIGEST_EXT = /\.(md|txt)$/i;

/** Every `.md` and `.txt` file under `dir`, recursively, as sorted paths relative to `dir` (with `/`). */
export async function listDigestFiles(dir: string): Promise<string[]> {
	const out: string[] = [];
	const walk = async (rel: string): Promise<void> => {
		let entries;
		try {
			entries = await readdir(path.join(dir, rel), { withFileTypes: true });
		} catch (err) {
			if (rel === '') throw err;
			return; // A folder removed while we walk is simply gone.
		}
		for (const e of entries) {
			if (e.name.startsWith('.') || e.name === 'node_modules') continue;
			const child = rel ? `${rel}/${e.name}` : e.name;
			if (e.isDirectory()) await walk(child);
			else if (e.isFile() && DIGEST_EXT.test(e.name)) out.push(child);
		}
	};
	await walk('');
	return out.sort();
}

export interface ArchiveLoaderOptions {
	dir: string;
	archive: Archive;
	logger?: Logger;
	now?: () => number;
	/** A file modified more recently than this is still being written; it waits for a later scan. */
	settleMs?: number;
	/**
	 * Build the search index after each scan in slices between other work (default). Off, a
	 * search builds it on first use: a one-shot command that never searches skips it.
	 */
	indexInBackground?: boolean;
}

export interface ScanResult {
	added: string[];
	changed: string[];
	removed: string[];
	/** Digest dates whose content this scan added or changed. */
	dates: string[];
}

interface Seen {
	size: number;
	mtimeMs: number;
}

/** Keeps an Archive in step with a folder, re-reading only files whose size or mtime changed. */
export class ArchiveLoader {
	private readonly dir: string;
	private readonly archive: Archive;
	private readonly logger: Logger;
	private readonly now: () => number;
	private readonly settleMs: number;
	private readonly seen = new Map<string, Seen>();
	private readonly indexInBackground: boolean;
	private indexing: Promise<void> = Promise.resolve();
	private indexingActive = false;

	constructor(opts: ArchiveLoaderOptions) {
		this.dir = opts.dir;
		this.archive = opts.archive;
		this.logger = opts.logger ?? silentLogger;
		this.now = opts.now ?? Date.now;
		this.settleMs = opts.settleMs ?? 2000;
		this.indexInBackground = opts.indexInBackground ?? true;
	}

	/** Resolves once the search index holds everything scans have read so far. */
	indexed(): Promise<void> {
		return this.indexing;
	}

	private indexSoon(): void {
		if (!this.indexInBackground || this.indexingActive) return;
		this.indexingActive = true;
		this.indexing = (async () => {
			try {
				while (this.archive.indexSome(INDEX_SLICE)) await new Promise((resolve) => setImmediate(resolve));
			} finally {
				this.indexingActive = false;
			}
		})();
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

	private async scanWith(settleMs: number): Promise<ScanResult> {
		const result: ScanResult = { added: [], changed: [], removed: [], dates: [] };
		const dates = new Set<string>();
		let files: string[];
		try {
			files = await listDigestFiles(this.dir);
		} catch (err) {
			this.logger.error({ dir: this.dir, err }, 'digest folder cannot be read');
			return result;
		}
		const present = new Set(files);
		const now = this.now();
		for await (const [file, got] of inOrder(files, READ_AHEAD, (file) => this.read(file, settleMs, now))) {
			if (got.kind === 'gone') {
				present.delete(file);
				continue;
			}
			if (got.kind === 'unchanged') continue;
			if (got.kind === 'settling') {
				this.logger.debug({ file }, 'digest file still being written; next scan');
				continue;
			}
			if (got.kind === 'unreadable') {
				this.logger.warn({ file, err: got.err }, 'digest file cannot be read');
				continue;
			}
			const prev = this.seen.get(file);
			const parsed = parseDigest(got.text, file);
			// Only days whose papers differ are news for delivery, and a day the file left empty has nothing to deliver.
			for (const date of this.archive.setFile(file, parsed).dates) if (this.archive.hasDate(date)) dates.add(date);
			(prev ? result.changed : result.added).push(file);
			this.seen.set(file, { size: got.size, mtimeMs: got.mtimeMs });
			for (const p of parsed.problems) {
				// What `check` calls a warning is one here too: papers may be missing from what members see.
				const log = p.level === 'error' ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
				log({ file: p.file, ...(p.line ? { line: p.line } : {}) }, p.message);
			}
		}
		for (const file of [...this.seen.keys()]) {
			if (present.has(file)) continue;
			this.seen.delete(file);
			this.archive.removeFile(file);
			result.removed.push(file);
		}
		result.dates = [...dates].sort();
		this.indexSoon();
		if (result.added.length + result.changed.length + result.removed.length > 0) {
			this.logger.info(summariseScan(result), 'digest archive updated');
		}
		return result;
	}

	/** Never rejects: reads run ahead of parsing, and a rejection nobody awaits yet would crash the process. */
	private async read(file: string, settleMs: number, now: number): Promise<ReadOutcome> {
		const full = path.join(this.dir, file);
		let info;
		try {
			info = await stat(full);
		} catch {
			return { kind: 'gone' };
		}
		const prev = this.seen.get(file);
		if (prev && prev.size === info.size && prev.mtimeMs === info.mtimeMs) return { kind: 'unchanged' };
		// No settle time means read now, even a file stamped a fraction of a millisecond after `now`.
		if (settleMs > 0 && Number.isFinite(settleMs) && now - info.mtimeMs < settleMs) return { kind: 'settling' };
		try {
			return { kind: 'read', text: await readFile(full, 'utf8'), size: info.size, mtimeMs: info.mtimeMs };
		} catch (err) {
			return { kind: 'unreadable', err };
		}
	}
}

type ReadOutcome =
	| { kind: 'gone' }
	| { kind: 'unchanged' }
	| { kind: 'settling' }
	| { kind: 'unreadable'; err: unknown }
	| { kind: 'read'; text: string; size: number; mtimeMs: number };

// Papers indexed per event-loop turn: a few milliseconds, so interactions are not held up.
const INDEX_SLICE = 500;

// Parsing is synchronous; a few reads in flight keep the disk busy while it runs.
const READ_AHEAD = 8;

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

/** Reads every digest under `dir` into a fresh Archive, for one-shot use: the search index is built by the first search. */
export async function loadArchive(dir: string, logger?: Logger): Promise<Archive> {
	const archive = new Archive();
	await new ArchiveLoader({ dir, archive, indexInBackground: false, ...(logger ? { logger } : {}) }).loadAll();
	return archive;
}
