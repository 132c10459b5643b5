import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { until } from './received.ts';

const run = promisify(execFile);

/** Runs real git; a fixed identity and no global config, so a developer's settings do not change what a test does. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
	const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
	const { stdout } = await run('git', ['-c', 'user.name=Producer', '-c', 'user.email=producer@example.org', '-c', 'init.defaultBranch=main', ...args], {
		cwd,
		env,
	});
	return stdout.trim();
}

export interface Remote {
	/** Holds the bare repository and the producer's working copy. */
	root: string;
	bare: string;
	url: string;
	/** The producer's clone, where commits are made and pushed from. */
	work: string;
	/** Writes files (paths from the repository root, null removes one), commits and pushes them unless told not to; returns the new commit. */
	commit(files: Record<string, string | null>, message?: string, push?: boolean): Promise<string>;
	/** Pushes the producer's branch over whatever the remote has (a force-push). */
	forcePush(): Promise<void>;
	dispose(): Promise<void>;
}

/** A real bare repository on disk (`git init --bare`) with a `main` branch and a first commit of `files`. */
export async function makeRemote(files: Record<string, string>): Promise<Remote> {
	const root = await mkdtemp(join(tmpdir(), 'paperboy-git-'));
	const bare = join(root, 'remote.git');
	const work = join(root, 'work');
	await git(root, 'init', '--quiet', '--bare', bare);
	await git(bare, 'symbolic-ref', 'HEAD', 'refs/heads/main');
	await git(root, 'init', '--quiet', work);
	await git(work, 'remote', 'add', 'origin', bare);
	const remote: Remote = {
		root,
		bare,
		url: `file://${bare}`,
		work,
		async commit(changes, message = 'digests', push = true) {
			for (const [file, text] of Object.entries(changes)) {
				const path = join(work, file);
				if (text === null) await rm(path, { force: true });
				else {
					await mkdir(dirname(path), { recursive: true });
					await writeFile(path, text);
				}
			}
			await git(work, 'add', '--all');
			await git(work, 'commit', '--quiet', '-m', message);
			if (push) await git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
			return git(work, 'rev-parse', 'HEAD');
		},
		async forcePush() {
			await git(work, 'push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
		},
		dispose: () => rm(root, { recursive: true, force: true }),
	};
	await remote.commit(files, 'first digests');
	return remote;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

export interface Daemon {
	url: string;
	stop(): Promise<void>;
	start(): Promise<void>;
}

/** `git daemon` serving the remote on a loopback port (git://), stoppable and restartable on the same port. */
export async function serveOverGit(remote: Remote): Promise<Daemon> {
	const port = await freePort();
	let child: ChildProcess | undefined;
	const url = `git://127.0.0.1:${port}/remote.git`;
	const daemon: Daemon = {
		url,
		async start() {
			const proc = spawn('git', ['daemon', '--reuseaddr', '--export-all', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${remote.root}`, remote.root], {
				stdio: 'ignore',
			});
			child = proc;
			await until(
				() =>
					git(remote.root, 'ls-remote', url).then(
						() => true,
						() => false,
					),
				10_000,
				'git daemon to serve',
			);
		},
		async stop() {
			const proc = child;
			child = undefined;
			if (!proc || proc.exitCode !== null) return;
			const exited = new Promise((resolve) => proc.once('exit', resolve));
			proc.kill('SIGTERM');
			await exited;
		},
	};
	await daemon.start();
	return daemon;
}
