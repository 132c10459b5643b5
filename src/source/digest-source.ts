import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { openGitSource } from './git-follow.ts';
import { watchStaleness } from './stale.ts';

export { GitSourceError } from './git-checkout.ts';

export interface DigestSource {
	/** The folder the archive reads: DIGEST_DIR, or DIGEST_GIT_PATH inside the clone when a repository is followed. */
	folder: string;
	/** Starts following the repository (if any) and watching for a source gone quiet; stop() ends both. */
	watch(opts: SourceWatchOptions): { stop(): Promise<void> };
}

export interface SourceWatchOptions {
	/** Re-reads the folder once a fetch changed it: git has finished writing, so no settle time is needed. */
	refresh: () => Promise<void>;
	latestDate: () => string | undefined;
	now: () => Date;
	/** How often to look for a quiet source. */
	everyMs: number;
}

/** Where digests come from: a plain folder, or a git repository cloned and followed (refused with a GitSourceError when unusable). */
export async function openDigestSource(config: Config, logger: Logger): Promise<DigestSource> {
	const git = config.DIGEST_GIT_URL ? await openGitSource(config, logger) : undefined;
	return {
		folder: git?.folder ?? config.DIGEST_DIR,
		watch(opts) {
			const following = git?.follow(opts.refresh);
			const quiet = watchStaleness({ latestDate: opts.latestDate, now: opts.now, afterDays: config.STALE_AFTER_DAYS, logger, everyMs: opts.everyMs });
			return {
				async stop() {
					quiet.stop();
					await following?.stop();
				},
			};
		},
	};
}
