import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';

export interface FolderWatchOptions {
	dir: string;
	/** Called once per burst of events, after it has been quiet for `debounceMs` (or `maxWaitMs` into a long one). */
	onChange: () => void;
	logger: Logger;
	/** How often the periodic scan runs, for the log line that says it takes over. */
	scanEverySeconds: number;
	debounceMs?: number;
	maxWaitMs?: number;
	/** `fs.watch`, replaceable so a test can make it fail. */
	watch?: (folder: string, listener: (event: string, name: string | Buffer | null) => void) => FSWatcher;
}

export interface FolderWatch {
	/** Watches again after an error or a folder that was removed or replaced; the periodic scan calls it. */
	check(): Promise<void>;
	/** Whether file-system events are arriving (false after an error, until `check` succeeds). */
	active(): boolean;
	close(): void;
}

const DEBOUNCE_MS = 100;
const MAX_WAIT_MS = 1000;

/** What the list of files skips: the scan would never read what is below these. */
function skipped(name: string): boolean {
	return name.startsWith('.') || name === 'node_modules';
}

function why(err: unknown): { code: string; hint: string } {
	const code = (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
	const hint =
		code === 'ENOSPC'
			? 'the system limit on watches is reached (raise fs.inotify.max_user_watches)'
			: code === 'EMFILE'
				? 'too many open files (raise the limit on open files)'
				: code === 'ENOENT'
					? 'the folder is gone'
					: 'the folder cannot be watched';
	return { code, hint };
}

/**
 * Watches DIGEST_DIR and every folder below it (one plain watch per folder: Node 20's recursive
 * mode on Linux watches every file and walks the tree synchronously), so a file that lands is
 * scanned at once instead of at the next periodic scan. The periodic scan stays the safety net:
 * watches miss events on network file systems, and after an error this only logs once and waits
 * for `check` to watch again.
 */
export function watchFolder(opts: FolderWatchOptions): FolderWatch {
	const { dir, logger } = opts;
	const watchOne = opts.watch ?? ((folder, listener) => fsWatch(folder, { persistent: false }, listener));
	const debounceMs = opts.debounceMs ?? DEBOUNCE_MS;
	const maxWaitMs = opts.maxWaitMs ?? MAX_WAIT_MS;
	const watchers = new Map<string, FSWatcher>();
	let root: { dev: number; ino: number } | undefined;
	let down: string | undefined;
	let closed = false;
	let timer: NodeJS.Timeout | undefined;
	let burstStarted = 0;

	const closeAll = () => {
		for (const w of watchers.values()) w.close();
		watchers.clear();
		root = undefined;
	};

	/** Stops watching until `check` succeeds; said once per outage. */
	const fail = (err: unknown) => {
		if (closed) return;
		closeAll();
		const { code, hint } = why(err);
		if (down !== undefined) return;
		down = code;
		logger.warn(
			{ dir, code },
			`cannot watch the digest folder for new files: ${hint}; new digests are picked up by the periodic scan every ${opts.scanEverySeconds} s (SCAN_INTERVAL_SECONDS)`,
		);
	};

	const fire = () => {
		timer = undefined;
		burstStarted = 0;
		if (closed) return;
		// A new folder needs a watch of its own, and a removed or replaced root a new one.
		void sync().then(() => !closed && opts.onChange());
	};

	const onEvent = (_event: string, name: string | Buffer | null) => {
		if (closed) return;
		const base = name === null ? '' : path.basename(String(name));
		if (base && skipped(base)) return;
		const now = Date.now();
		burstStarted ||= now;
		clearTimeout(timer);
		timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, burstStarted + maxWaitMs - now)));
		timer.unref();
	};

	const add = (folder: string) => {
		const w = watchOne(folder, onEvent);
		w.on('error', (err) => fail(err));
		watchers.set(folder, w);
	};

	/** The folders below `dir` now, dot folders left out, as the scan does. */
	const folders = async (): Promise<Set<string>> => {
		const found = new Set<string>([dir]);
		const walk = async (folder: string): Promise<void> => {
			const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
			for (const e of entries) {
				if (!e.isDirectory() || skipped(e.name)) continue;
				const child = path.join(folder, e.name);
				found.add(child);
				await walk(child);
			}
		};
		await walk(dir);
		return found;
	};

	let syncing: Promise<void> | undefined;
	const sync = (): Promise<void> =>
		(syncing ??= (async () => {
			try {
				const info = await stat(dir);
				if (!info.isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
				if (root && (root.dev !== info.dev || root.ino !== info.ino)) closeAll();
				root = { dev: info.dev, ino: info.ino };
				const now = await folders();
				if (closed) return;
				for (const [folder, w] of watchers) {
					if (now.has(folder)) continue;
					w.close();
					watchers.delete(folder);
				}
				for (const folder of now) if (!watchers.has(folder)) add(folder);
				if (down !== undefined) logger.info({ dir }, 'watching the digest folder for new files again');
				down = undefined;
			} catch (err) {
				fail(err);
			} finally {
				syncing = undefined;
			}
		})());

	void sync();
	return {
		check: () => (closed ? Promise.resolve() : sync()),
		active: () => !closed && down === undefined && watchers.size > 0,
		close() {
			closed = true;
			clearTimeout(timer);
			closeAll();
		},
	};
}
