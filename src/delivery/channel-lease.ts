import type { Logger } from '../log.ts';
import type { Leases } from '../store/store.ts';

/** Prefix of the store leases that keep two processes off one channel. */
export const CHANNEL_LOCK_PREFIX = 'deliver:';
/**
 * How long a channel's lease lives without renewal: a process that dies mid-run holds the
 * channel this long at most. Renewed every third of it, so two missed renewals still keep it.
 */
export const CHANNEL_LEASE_MS = 30_000;

export type ChannelLeases = Pick<Leases, 'tryLock' | 'renew' | 'unlock'>;

/** A held channel lease: renewed on a timer until `release`. */
export interface ChannelLease {
	/** True once the lease may no longer be ours: a renewal was refused, or none confirmed within the ttl. */
	lost(): boolean;
	release(): Promise<void>;
}

export const channelLockKey = (channelId: string) => `${CHANNEL_LOCK_PREFIX}${channelId}`;

/**
 * Takes the channel's lease, or null when another process holds it. Store errors are thrown
 * (the caller retries later, as for any store outage). `now` is the wall clock the store's
 * expiry uses, not a test's simulated delivery clock.
 */
export async function takeChannelLease(
	leases: ChannelLeases,
	channelId: string,
	opts: { ttlMs?: number; logger: Logger; now?: () => number },
): Promise<ChannelLease | null> {
	const key = channelLockKey(channelId);
	const ttlMs = opts.ttlMs ?? CHANNEL_LEASE_MS;
	const now = opts.now ?? Date.now;
	const asked = now();
	if (!(await leases.tryLock(key, ttlMs))) return null;
	// Counted from before the request: the store started the ttl no earlier than that.
	let validUntil = asked + ttlMs;
	let refused = false;
	let renewing: Promise<void> | undefined;
	const renew = async () => {
		const at = now();
		try {
			if (await leases.renew(key, ttlMs)) validUntil = at + ttlMs;
			else refused = true;
		} catch (err) {
			// The lease may still be ours; `validUntil` says how long that can be assumed.
			opts.logger.debug({ err, channel: channelId }, 'channel lease renewal failed; retrying');
		}
	};
	const timer = setInterval(
		() => {
			if (!refused) renewing ??= renew().finally(() => (renewing = undefined));
		},
		Math.max(1, Math.floor(ttlMs / 3)),
	);
	timer.unref();
	let released: Promise<void> | undefined;
	return {
		lost: () => refused || now() >= validUntil,
		release() {
			released ??= (async () => {
				clearInterval(timer);
				await renewing;
				// A lease that cannot be released expires by itself within its ttl.
				await leases.unlock(key).catch((err: unknown) => opts.logger.warn({ err, channel: channelId }, 'could not release channel lease'));
			})();
			return released;
		},
	};
}
