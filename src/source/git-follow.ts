import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { registerSecret, type Logger } from '../log.ts';
import { afterAttempt, HEALTHY, type FollowNotice, type FollowState } from './backoff.ts';
import { GitCheckout, GitSourceError, type SyncResult } from './git-checkout.ts';
import { redactCredentials, urlSecrets } from './git-url.ts';

export { GitSourceError } from './git-checkout.ts';

export type GitSourceConfig = Pick<Config, 'DIGEST_DIR' | 'DIGEST_GIT_URL' | 'DIGEST_GIT_BRANCH' | 'DIGEST_GIT_PATH' | 'DIGEST_GIT_INTERVAL'>;

export interface GitSource {
	/** The folder the archive reads: DIGEST_GIT_PATH inside the checkout. */
	folder: string;
	/** Fetches every DIGEST_GIT_INTERVAL (sooner, then later, while it fails); `onChange` runs after files under the folder changed. */
	follow(onChange: () => Promise<void>): { stop(): Promise<void> };
}

export interface GitSourceOptions {
	/** Epoch ms, for how long an outage lasted. */
	now?: () => number;
	silenceTimeoutMs?: number;
}

/**
 * Clones DIGEST_GIT_URL into DIGEST_DIR, or takes over the clone already there (refusing a
 * foreign or dirty folder), and brings an existing clone up to date before the archive is read.
 * A fetch that fails here is not fatal: what the checkout holds is served, and following retries.
 */
export async function openGitSource(config: GitSourceConfig, logger: Logger, opts: GitSourceOptions = {}): Promise<GitSource> {
	const url = config.DIGEST_GIT_URL;
	if (!url) throw new GitSourceError('DIGEST_GIT_URL is not set');
	for (const secret of urlSecrets(url)) registerSecret(secret);
	const now = opts.now ?? Date.now;
	const intervalMs = config.DIGEST_GIT_INTERVAL;
	const abort = new AbortController();
	const { checkout, cloned } = await GitCheckout.open({
		url,
		branch: config.DIGEST_GIT_BRANCH,
		dir: config.DIGEST_DIR,
		signal: abort.signal,
		...(opts.silenceTimeoutMs === undefined ? {} : { silenceTimeoutMs: opts.silenceTimeoutMs }),
	});
	const where = { url: redactCredentials(url), branch: checkout.branch };
	const sub = config.DIGEST_GIT_PATH ?? '';
	const folder = path.join(checkout.dir, sub);

	let state: FollowState = HEALTHY;
	/** One fetch: its outcome logged as the outage rules say; the wait before the next one returned. */
	const attempt = async (): Promise<{ delayMs: number; result?: SyncResult }> => {
		let result: SyncResult | undefined;
		let failure: string | undefined;
		try {
			result = await checkout.sync();
		} catch (err) {
			failure = redactCredentials(err instanceof Error ? err.message : String(err));
		}
		// A fetch killed by a stop is no outage.
		if (abort.signal.aborted) return { delayMs: intervalMs };
		const step = afterAttempt(state, failure === undefined, now(), intervalMs);
		state = step.state;
		report(logger, where, step.notice, step.delayMs, failure);
		if (result && result.kind !== 'unchanged') {
			const ctx = { ...where, from: result.from.slice(0, 12), to: result.to.slice(0, 12), files: result.files.length };
			if (result.kind === 'reset') logger.warn(ctx, "digest repository's history was rewritten (a force-push): checkout reset to the remote");
			else logger.info({ ...ctx, how: result.kind }, 'digest repository updated');
		}
		return result ? { delayMs: step.delayMs, result } : { delayMs: step.delayMs };
	};

	let firstDelayMs = intervalMs;
	if (cloned) logger.info({ ...where, dir: checkout.dir }, 'digest repository cloned');
	else firstDelayMs = (await attempt()).delayMs;
	const info = await stat(folder).catch(() => null);
	if (!info?.isDirectory()) {
		throw new GitSourceError(
			`DIGEST_GIT_PATH "${sub}" is not a folder in ${where.url} (branch ${checkout.branch}); name a folder of the repository, or leave it empty for the whole repository.`,
		);
	}

	return {
		folder,
		follow(onChange) {
			let timer: NodeJS.Timeout | undefined;
			let running: Promise<void> | undefined;
			let stopped = false;
			const touchesFolder = (files: string[]) => !sub || files.some((f) => f === sub || f.startsWith(`${sub}/`));
			const schedule = (ms: number) => {
				if (stopped) return;
				timer = setTimeout(() => {
					running = (async () => {
						const { delayMs, result } = await attempt();
						if (result && result.kind !== 'unchanged' && touchesFolder(result.files)) {
							await onChange().catch((err: unknown) => logger.error({ ...where, err }, 'digest refresh after a fetch failed'));
						}
						schedule(delayMs);
					})().finally(() => (running = undefined));
				}, ms);
				// Following never keeps the process alive on its own.
				timer.unref();
			};
			schedule(firstDelayMs);
			return {
				async stop() {
					stopped = true;
					clearTimeout(timer);
					abort.abort();
					await running;
				},
			};
		},
	};
}

function report(logger: Logger, where: object, notice: FollowNotice, retryInMs: number, failure: string | undefined): void {
	if (!notice) return;
	if (notice.kind === 'outage') {
		logger.warn({ ...where, reason: failure, retryInMs }, 'digest repository cannot be fetched: serving the checkout as it is, retrying with backoff');
	} else if (notice.kind === 'still-failing') {
		logger.debug({ ...where, reason: failure, failures: notice.failures, retryInMs }, 'digest repository still cannot be fetched');
	} else {
		logger.info({ ...where, failures: notice.failures, downMs: notice.downMs }, 'digest repository can be fetched again');
	}
}
