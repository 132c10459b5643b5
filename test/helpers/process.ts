import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by path: `--import tsx` would look for it from the process's working directory. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface LogLine {
	level?: string;
	msg?: string;
	[k: string]: unknown;
}

export interface BotProcess {
	readonly child: ChildProcess;
	readonly pid: number;
	/** Every JSON log line the process (and its children) wrote, parsed. */
	readonly logs: LogLine[];
	/** Lines that were not JSON (crash traces, warnings). */
	readonly other: string[];
	waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
	/** Signals the whole process group (a ShardingManager's shards too); resolves when the leader exited. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	readonly exited: Promise<number | null>;
}

const live = new Set<BotProcess>();

/** SIGKILLs a process group; false when there is none to signal (never signals pid 1 or our own group). */
function killGroup(pid: number, signal: NodeJS.Signals): boolean {
	if (!(pid > 1)) return false;
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // The whole group is gone already.
	}
}

// Detached groups outlive a worker that dies without running afterAll (a crash, a hook timeout that
// tears the worker down): kill them on the way out so no bot keeps posting into the next file's emulator.
process.once('exit', () => {
	for (const p of live) killGroup(p.pid, 'SIGKILL');
});

/**
 * A bot as the operator runs it: `node --import tsx <script>` in its own process group, with
 * only the environment given here (plus PATH/HOME), so nothing leaks in from the test's env or .env.
 */
/** Runs `script` (relative to the project) as its own process group; `cwd` is where a user would stand. */
export function spawnBot(script: string, env: Record<string, string>, opts: { cwd?: string } = {}): BotProcess {
	const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script)], {
		cwd: opts.cwd ?? ROOT,
		env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const logs: LogLine[] = [];
	const other: string[] = [];
	const waiters = new Set<() => void>();
	let buffered = '';
	const onData = (chunk: Buffer) => {
		buffered += chunk.toString('utf8');
		const lines = buffered.split('\n');
		buffered = lines.pop() ?? '';
		for (const line of lines) {
			if (!line.trim()) continue;
			try {
				logs.push(JSON.parse(line) as LogLine);
			} catch {
				other.push(line);
			}
		}
		for (const w of [...waiters]) w();
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	// 'close' comes after the last stdout/stderr chunk; 'exit' may come before it, with lines still unread.
	let closed = false;
	child.once('close', () => {
		closed = true;
		if (buffered.trim()) onData(Buffer.from('\n')); // a last line without its newline
	});
	const proc: BotProcess = {
		child,
		pid: child.pid ?? -1,
		logs,
		other,
		exited,
		waitForLog(pred, timeoutMs = 20_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const hit = logs.find(pred);
					if (!hit) return;
					cleanup();
					resolve(hit);
				};
				const timer = setTimeout(() => {
					cleanup();
					reject(
						new Error(
							`no matching log line in ${timeoutMs} ms; last lines:\n${[...logs.slice(-8).map((l) => JSON.stringify(l)), ...other.slice(-8)].join('\n')}`,
						),
					);
				}, timeoutMs);
				const onExit = () => {
					check(); // the last lines arrived before 'close'
					if (!waiters.has(check)) return;
					cleanup();
					reject(
						new Error(`process exited before the log line; last lines:\n${[...logs.slice(-8).map((l) => JSON.stringify(l)), ...other.slice(-8)].join('\n')}`),
					);
				};
				const cleanup = () => {
					clearTimeout(timer);
					waiters.delete(check);
					child.off('close', onExit);
				};
				waiters.add(check);
				child.once('close', onExit);
				check();
				// Already gone: 'close' will not fire again, so fail now rather than at the timeout.
				if (waiters.has(check) && closed) onExit();
			});
		},
		async kill(signal = 'SIGKILL') {
			// A SIGTERMed group may leave stragglers; only a SIGKILL settles it for killAll.
			if (signal === 'SIGKILL') live.delete(proc);
			killGroup(proc.pid, signal);
			if (proc.pid > 1 && child.exitCode === null && child.signalCode === null) await exited;
		},
	};
	live.add(proc);
	return proc;
}

/** For afterAll: SIGKILL every process group still running, even after a failed test. */
export async function killAll(): Promise<void> {
	await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}
