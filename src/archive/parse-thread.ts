import { Worker } from 'node:worker_threads';
import type { ArchiveChange, FileStamp } from './days.ts';
import { decodeParse, type ParseReply, type ParseRequest, type WriteRequest } from './parse-wire.ts';
import { readDigest, type FileRead } from './read-digest.ts';

/** Reads and parses digest files for the loader: on this thread or another. */
export interface DigestReader {
	read(real: string, file: string, maxBytes: number): Promise<FileRead>;
	/** Lets go of what the reader holds; it starts again on the next read. */
	close(): Promise<void>;
}

/** Reads on the caller's thread: for files small enough that a thread would cost more than it saves. */
export const inlineReader: DigestReader = { read: readDigest, close: async () => {} };

/** Compiled to dist/ (`npm start`), this module is JavaScript, and so is its worker's entry. */
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './parse-worker.js' : './parse-worker.ts', import.meta.url).href;

/*
 * A worker does not inherit the TypeScript loader the bot runs under (Node 20 starts its entry
 * before `--import` hooks apply there), so from the sources a small script registers tsx, then
 * imports the entry. tsx is found from this file, whatever the process's working directory.
 */
const BOOT = COMPILED
	? `import(${JSON.stringify(ENTRY)});`
	: `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;

/** No parser thread could start (tsx missing, say): the caller parses on its own thread instead. */
export class ParserStartError extends Error {
	override name = 'ParserStartError';
}

interface Waiting {
	req: ParseRequest | WriteRequest;
	resolve: (reply: FileRead | ArchiveChange) => void;
	reject: (err: Error) => void;
}

/*
 * A scan of many files makes the thread a stream of short-lived parses. With room for them in
 * the young generation they die there, rather than being promoted and marked by the collector's
 * helper threads, which share the two cores with the thread writing the index (a first start on
 * ten years: the helpers' time 3.6 → 1.5 s).
 */
const YOUNG_MB = 64;

// An idle thread stays this long, so the scans that follow a change need not start one again.
const IDLE_MS = 10_000;

/**
 * Parses on a worker thread, so a digest of many megabytes never holds up interactions. The
 * thread starts on the first read and stops when idle; an idle thread never keeps the process
 * alive. If it dies (out of memory on one file), that file's read fails with the reason and
 * the files queued behind it go to a fresh thread.
 */
export class ParserThread implements DigestReader {
	private worker: Worker | undefined;
	private ready: Promise<void> | undefined;
	private readonly waiting = new Map<number, Waiting>();
	private nextId = 0;
	private idleTimer: NodeJS.Timeout | undefined;

	private readonly idleMs: number;
	private readonly heapMb: number | undefined;
	private readonly indexFile: string | undefined;
	/** Parses the thread keeps for writing: it must not stop while any waits. */
	private kept = 0;

	/**
	 * `heapMb` caps the thread's heap: a file that needs more stops the thread, not the process.
	 * With `indexFile`, the thread writes what it parses into that index itself, when told to.
	 */
	constructor(opts: { idleMs?: number; heapMb?: number; indexFile?: string } = {}) {
		this.idleMs = opts.idleMs ?? IDLE_MS;
		this.heapMb = opts.heapMb;
		this.indexFile = opts.indexFile;
	}

	/** Rejects with ParserStartError if no thread can start (the loader then reads on its own thread). */
	read(real: string, file: string, maxBytes: number): Promise<FileRead> {
		return this.ask({ id: ++this.nextId, real, file, maxBytes }) as Promise<FileRead>;
	}

	/**
	 * Reads, parses and encodes the file as the index takes it (see FileInput), so the caller
	 * writes it with nothing to parse; one of `below` bytes or more is read as `read` reads it.
	 */
	encode(real: string, file: string, maxBytes: number, below = Number.POSITIVE_INFINITY): Promise<FileRead> {
		return this.ask({ id: ++this.nextId, real, file, maxBytes, encodeBelow: below }) as Promise<FileRead>;
	}

	private write(parsed: number, stamp: FileStamp | undefined): Promise<ArchiveChange> {
		this.kept -= 1;
		return this.ask({ id: ++this.nextId, write: parsed, ...(stamp ? { stamp } : {}) }) as Promise<ArchiveChange>;
	}

	private async ask(req: ParseRequest | WriteRequest): Promise<FileRead | ArchiveChange> {
		const reply = new Promise<FileRead | ArchiveChange>((resolve, reject) => this.waiting.set(req.id, { req, resolve, reject }));
		clearTimeout(this.idleTimer);
		await this.start().catch((err: unknown) => {
			this.waiting.delete(req.id);
			throw err;
		});
		this.worker?.ref();
		this.worker?.postMessage(req);
		return reply;
	}

	async close(): Promise<void> {
		clearTimeout(this.idleTimer);
		const worker = this.worker;
		this.worker = undefined;
		this.ready = undefined;
		for (const w of this.waiting.values()) w.reject(new Error('the parser thread was closed'));
		this.waiting.clear();
		this.kept = 0;
		await worker?.terminate();
	}

	private start(): Promise<void> {
		if (this.ready) return this.ready;
		let worker: Worker;
		try {
			worker = new Worker(BOOT, {
				eval: true,
				workerData: { indexFile: this.indexFile },
				resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB, ...(this.heapMb ? { maxOldGenerationSizeMb: this.heapMb } : {}) },
			});
		} catch (err) {
			return Promise.reject(new ParserStartError(`the parser thread cannot start (${err instanceof Error ? err.message : String(err)})`, { cause: err }));
		}
		this.worker = worker;
		this.ready = new Promise<void>((resolve, reject) => {
			let up = false;
			worker.on('message', (msg: ParseReply | { ready: true }) => {
				if ('ready' in msg) {
					up = true;
					resolve();
					return;
				}
				const w = this.waiting.get(msg.id);
				if (!w) return;
				this.waiting.delete(msg.id);
				if (msg.kind === 'kept') this.kept += 1;
				if (this.waiting.size === 0) this.idle(worker);
				if (msg.kind === 'written') return w.resolve(msg.change);
				if (msg.kind === 'write-failed') return w.reject(new Error(msg.message));
				if (msg.kind === 'kept') {
					const { id, problems, bytes, parseMs, stamp } = msg;
					return w.resolve({ kind: 'kept', problems, bytes, parseMs, ...(stamp ? { stamp } : {}), write: (at) => this.write(id, at) });
				}
				if (msg.kind !== 'parsed') return w.resolve(msg);
				const { bytes, parseMs, stamp } = msg;
				decodeParse(msg.parse).then((result) => w.resolve({ kind: 'parsed', result, bytes, parseMs, ...(stamp ? { stamp } : {}) }), w.reject);
			});
			const died = (err: Error) => {
				if (this.worker !== worker) return;
				this.worker = undefined;
				this.ready = undefined;
				if (!up) {
					reject(new ParserStartError(`the parser thread cannot start (${err.message})`, { cause: err }));
					return;
				}
				this.restartAfter(err);
			};
			worker.on('error', died);
			worker.on('exit', (code) => died(new Error(`the parser thread stopped (exit code ${code})`)));
		});
		return this.ready;
	}

	private idle(worker: Worker): void {
		if (this.kept > 0) return;
		worker.unref();
		clearTimeout(this.idleTimer);
		this.idleTimer = setTimeout(() => {
			if (this.worker === worker && this.waiting.size === 0) void this.close();
		}, this.idleMs);
		this.idleTimer.unref();
	}

	private restartAfter(err: Error): void {
		const queued = [...this.waiting.values()].sort((a, b) => a.req.id - b.req.id);
		this.waiting.clear();
		// Parses kept in the thread that died are gone with it: their writes fail, as the parse that killed it does.
		this.kept = 0;
		const [culprit, ...rest] = queued;
		culprit?.reject(err);
		for (const w of rest) {
			if ('write' in w.req) {
				w.reject(err);
				continue;
			}
			this.waiting.set(w.req.id, w);
			void this.start().then(
				() => this.worker?.postMessage(w.req),
				(e: unknown) => {
					this.waiting.delete(w.req.id);
					w.reject(e instanceof Error ? e : new Error(String(e)));
				},
			);
		}
	}
}
