import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

/**
 * A bot as the operator runs it: `node --import tsx <script>` in its own process group, with
 * only the environment given here (plus PATH/HOME), so nothing leaks in from the test's env or .env.
 */
export function spawnBot(script: string, env: Record<string, string>): BotProcess {
	const child = spawn(process.execPath, ['--import', 'tsx', script], {
		cwd: ROOT,
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
					reject(new Error(`no matching log line in ${timeoutMs} ms; last lines:\n${[...logs.slice(-8).map((l) => JSON.stringify(l)), ...other.slice(-8)].join('\n')}`));
				}, timeoutMs);
				const onExit = () => {
					cleanup();
					reject(new Error(`process exited before the log line; last lines:\n${[...logs.slice(-8).map((l) => JSON.stringify(l)), ...other.slice(-8)].join('\n')}`));
				};
				const cleanup = () => {
					clearTimeout(timer);
					waiters.delete(check);
					child.off('exit', onExit);
				};
				waiters.add(check);
				child.once('exit', onExit);
				check();
			});
		},
		async kill(signal = 'SIGKILL') {
			// A SIGTERMed group may leave stragglers; only a SIGKILL settles it for killAll.
			if (signal === 'SIGKILL') live.delete(proc);
			try {
				process.kill(-proc.pid, signal);
			} catch {
				// The whole group is gone already.
			}
			if (child.exitCode === null && child.signalCode === null) await exited;
		},
	};
	live.add(proc);
	return proc;
}

/** For afterAll: SIGKILL every process group still running, even after a failed test. */
export async function killAll(): Promise<void> {
	await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}
