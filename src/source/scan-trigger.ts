export interface ScanTrigger {
	/** Scans now, or once more right after the scan in flight: triggers never pile up. */
	trigger(): void;
	/** Resolves when no scan is running. */
	idle(): Promise<void>;
	/** No scan starts after this, and a follow-up waiting for a file to settle is dropped. */
	stop(): void;
}

export interface ScanTriggerOptions {
	/** One scan; resolves to when a file it found still being written will have settled (epoch ms), if any. */
	scan: () => Promise<number | undefined>;
	onError: (err: unknown) => void;
	/** A follow-up is never further off than this: past it the periodic scan comes first anyway. */
	maxDelayMs: number;
	now?: () => number;
}

// The settle check is `now - mtime < settle`: a little past the deadline, the file reads as settled.
const SETTLE_MARGIN_MS = 25;

/**
 * Runs the digest scans that file-system events, the periodic timer and settle follow-ups ask
 * for: one at a time, and a trigger that arrives during a scan gives exactly one more after it.
 * A scan that met a file still being written schedules one follow-up at its settle deadline, so
 * the file is read seconds after its writer finished, not at the next periodic scan.
 */
export function scanTrigger(opts: ScanTriggerOptions): ScanTrigger {
	const now = opts.now ?? Date.now;
	let running: Promise<void> | undefined;
	let again = false;
	let stopped = false;
	let followUp: { at: number; timer: NodeJS.Timeout } | undefined;

	const schedule = (settleAt: number) => {
		const at = Math.min(settleAt + SETTLE_MARGIN_MS, now() + opts.maxDelayMs);
		// The earliest deadline wins: the scan then schedules the next one for whatever is still settling.
		if (followUp && followUp.at <= at) return;
		if (followUp) clearTimeout(followUp.timer);
		const timer = setTimeout(
			() => {
				followUp = undefined;
				trigger();
			},
			Math.max(0, at - now()),
		);
		timer.unref();
		followUp = { at, timer };
	};

	const run = async () => {
		do {
			again = false;
			try {
				const settleAt = await opts.scan();
				if (settleAt !== undefined && !stopped) schedule(settleAt);
			} catch (err) {
				opts.onError(err);
			}
		} while (again && !stopped);
	};

	const trigger = () => {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = run().finally(() => (running = undefined));
	};

	return {
		trigger,
		idle: async () => running,
		stop() {
			stopped = true;
			if (followUp) clearTimeout(followUp.timer);
			followUp = undefined;
		},
	};
}
