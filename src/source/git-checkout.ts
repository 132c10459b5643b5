import { mkdir, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { redactCredentials, sameRepository } from './git-url.ts';

/** A checkout Paperboy will not use, or a repository it cannot reach at start: said to the operator as it is. */
export class GitSourceError extends Error {
	override name = 'GitSourceError';
}

export interface CheckoutOptions {
	url: string;
	/** Unset: the remote's default branch on first clone, then whichever branch the checkout is on. */
	branch?: string | undefined;
	dir: string;
	/** A git process silent for this long is killed (a remote that accepts the connection and then hangs). */
	silenceTimeoutMs?: number;
	/** Kills the git process in flight (a stop must not wait out a slow fetch). */
	signal?: AbortSignal;
}

export type SyncResult =
	| { kind: 'unchanged'; head: string }
	/** `files`: the paths (from the repository root) that differ between `from` and `to`. */
	| { kind: 'fast-forward' | 'reset' | 'switch'; from: string; to: string; files: string[] };

// The commit Paperboy last set HEAD to: a HEAD elsewhere was moved by someone else.
const SYNCED_REF = 'refs/paperboy/synced';
// Only what git needs: the library refuses variables that could run other programs (EDITOR, GIT_SSH_COMMAND…).
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSH_AUTH_SOCK', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
const PROXY_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((v) => [v, v.toLowerCase()]);

function gitAt(baseDir: string, silenceTimeoutMs: number, signal?: AbortSignal): SimpleGit {
	const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' }; // never wait for a password nobody will type
	for (const name of [...PASSED_ENV, ...PROXY_ENV]) {
		const value = process.env[name];
		if (value !== undefined) env[name] = value;
	}
	return simpleGit({
		baseDir,
		maxConcurrentProcesses: 1,
		timeout: { block: silenceTimeoutMs },
		...(signal ? { abort: signal } : {}),
		allowEnvironment: ['GIT_TERMINAL_PROMPT', ...PROXY_ENV],
		// Any non-zero exit is a failure, with or without a message (the library's default ignores silent ones).
		errors: (error, result) => {
			if (error instanceof Error) return error;
			if (result.exitCode === 0) return undefined;
			const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
			return new Error(stderr || `git exited with code ${result.exitCode}`);
		},
	}).env(env);
}

function reason(err: unknown): string {
	return redactCredentials(err instanceof Error ? err.message : String(err)).trim();
}

/** A clone of one repository's branch that Paperboy keeps equal to the remote, and nothing else. */
export class GitCheckout {
	private constructor(
		private readonly git: SimpleGit,
		readonly dir: string,
		readonly branch: string,
	) {}

	/** Clones into a missing or empty `dir`, or takes over an existing clean clone of `url`; anything else is refused. */
	static async open(opts: CheckoutOptions): Promise<{ checkout: GitCheckout; cloned: boolean }> {
		const dir = path.resolve(opts.dir);
		const timeout = opts.silenceTimeoutMs ?? 120_000;
		const at = (baseDir: string) => gitAt(baseDir, timeout, opts.signal);
		const shown = redactCredentials(opts.url);
		if (!(await at(process.cwd()).version()).installed) {
			throw new GitSourceError('DIGEST_GIT_URL is set, but git is not installed here (`git --version` failed). Install git, or unset DIGEST_GIT_URL.');
		}
		let entries: string[] | null;
		try {
			entries = await readdir(dir);
		} catch (err) {
			const code = (err as NodeJS.ErrnoException).code;
			if (code === 'ENOTDIR') throw new GitSourceError(`DIGEST_DIR ${dir} is a file; Paperboy needs a folder there to clone ${shown} into.`);
			if (code !== 'ENOENT') throw err;
			entries = null;
		}
		if (!entries || entries.length === 0) {
			await mkdir(path.dirname(dir), { recursive: true });
			const branchArgs = opts.branch ? ['--branch', opts.branch] : [];
			try {
				await at(path.dirname(dir)).raw(['clone', '--quiet', '--no-tags', '--single-branch', ...branchArgs, '--', opts.url, dir]);
			} catch (err) {
				throw new GitSourceError(`Could not clone ${shown}${opts.branch ? ` (branch ${opts.branch})` : ''} into DIGEST_DIR ${dir}: ${reason(err)}`);
			}
			const git = at(dir);
			const branch = opts.branch ?? (await currentBranch(git));
			const head = await revParse(git, 'HEAD');
			if (!branch || !head)
				throw new GitSourceError(`The repository ${shown} has no commit on its default branch yet; set DIGEST_GIT_BRANCH or push a commit first.`);
			await git.raw(['update-ref', SYNCED_REF, head]);
			return { checkout: new GitCheckout(git, dir, branch), cloned: true };
		}
		const git = at(dir);
		const foreign = `DIGEST_DIR ${dir} already holds files and is not a clone of ${shown}`;
		const fix = 'Point DIGEST_DIR at a missing or empty folder (Paperboy clones into it), or empty this one.';
		const top = await git.raw(['rev-parse', '--show-toplevel']).then(
			(out) => out.trim(),
			() => '',
		);
		if (!top || (await realpath(top)) !== (await realpath(dir)))
			throw new GitSourceError(`${foreign} (no git checkout${top ? ` of its own: it lies inside ${top}` : ''}). ${fix}`);
		const origin = await git.raw(['remote', 'get-url', 'origin']).then(
			(out) => out.trim(),
			() => '',
		);
		if (!origin) throw new GitSourceError(`${foreign} (a git checkout with no remote "origin"). ${fix}`);
		if (!sameRepository(origin, opts.url)) throw new GitSourceError(`${foreign} (it is a clone of ${redactCredentials(origin)}). ${fix}`);
		// Same repository, other credentials (a rotated token): fetch with the ones configured now.
		if (origin !== opts.url) await git.raw(['remote', 'set-url', 'origin', opts.url]);
		const current = await currentBranch(git);
		const branch = opts.branch ?? current;
		if (!branch) throw new GitSourceError(`DIGEST_DIR ${dir} is not on a branch (detached HEAD); set DIGEST_GIT_BRANCH to the branch to follow.`);
		const checkout = new GitCheckout(git, dir, branch);
		await checkout.refuseLocalWork(current === branch);
		return { checkout, cloned: false };
	}

	/**
	 * Local edits, stray files or local commits would be overwritten by the next reset to the
	 * remote (and stray files would be read as digests): Paperboy stops following instead.
	 */
	private async refuseLocalWork(sameBranch: boolean): Promise<void> {
		const status = (await this.git.raw(['status', '--porcelain', '--untracked-files=all'])).split('\n').filter(Boolean);
		if (status.length > 0) {
			const files = status.slice(0, 3).map((line) => line.slice(3));
			throw new GitSourceError(
				`DIGEST_DIR ${this.dir} has local changes (${status.length} file${status.length === 1 ? '' : 's'}: ${files.join(', ')}${status.length > 3 ? ', …' : ''}). ` +
					'Paperboy follows the remote and would overwrite them: commit them to the repository, or discard them (git checkout . && git clean -fd), then start again.',
			);
		}
		if (!sameBranch) return; // another branch's commits stay on that branch when we switch
		const head = await revParse(this.git, 'HEAD');
		if (!head || head === (await revParse(this.git, SYNCED_REF))) return;
		const remote = await revParse(this.git, this.remoteRef);
		const ahead = Number((await this.git.raw(['rev-list', '--count', head, ...(remote ? [`^${remote}`] : [])])).trim());
		if (ahead > 0) {
			throw new GitSourceError(
				`DIGEST_DIR ${this.dir} has ${ahead} local commit${ahead === 1 ? '' : 's'} on ${this.branch} that the remote does not have. ` +
					'Paperboy follows the remote and would drop them: push them, or reset the branch to the remote, then start again.',
			);
		}
	}

	private get remoteRef(): string {
		return `refs/remotes/origin/${this.branch}`;
	}

	/** Fetches the branch and moves the checkout to it: a fast-forward, or a reset when the remote's history was rewritten. */
	async sync(): Promise<SyncResult> {
		await this.refuseLocalWork((await currentBranch(this.git)) === this.branch);
		try {
			await this.git.raw(['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${this.branch}:${this.remoteRef}`]);
		} catch (err) {
			throw new Error(`fetch failed: ${reason(err)}`, { cause: err });
		}
		const to = await revParse(this.git, this.remoteRef);
		const from = await revParse(this.git, 'HEAD');
		if (!to || !from) throw new Error(`branch ${this.branch} has no commit`);
		let kind: 'fast-forward' | 'reset' | 'switch';
		if ((await currentBranch(this.git)) !== this.branch) {
			await this.git.raw(['checkout', '--quiet', '-B', this.branch, to]);
			kind = 'switch';
		} else if (from === to) {
			await this.git.raw(['update-ref', SYNCED_REF, to]);
			return { kind: 'unchanged', head: to };
		} else if (Number((await this.git.raw(['rev-list', '--count', from, `^${to}`])).trim()) === 0) {
			await this.git.raw(['merge', '--quiet', '--ff-only', to]);
			kind = 'fast-forward';
		} else {
			await this.git.raw(['reset', '--quiet', '--hard', to]);
			kind = 'reset';
		}
		await this.git.raw(['update-ref', SYNCED_REF, to]);
		const files = (await this.git.raw(['diff', '--name-only', '--no-renames', from, to])).split('\n').filter(Boolean);
		return { kind, from, to, files };
	}
}

async function currentBranch(git: SimpleGit): Promise<string> {
	return git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).then(
		(out) => out.trim(),
		() => '',
	);
}

async function revParse(git: SimpleGit, ref: string): Promise<string | undefined> {
	return git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then(
		(out) => out.trim() || undefined,
		() => undefined,
	);
}
