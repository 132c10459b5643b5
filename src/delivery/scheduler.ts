import type { Logger } from '../log.ts';
import type { Subscription } from '../store/schema.ts';
import { ruleOfCron, subscriptionRule } from '../time/next-fire.ts';
import { CHANNEL_LEASE_MS, takeChannelLease, type ChannelLeases } from './channel-lease.ts';
import { deliverSubscription, type DeliveryDeps, type DeliveryOutcome } from './deliver.ts';
import { WakeTimer } from './wake-timer.ts';

export interface SchedulerOptions extends DeliveryDeps {
	/** The guilds this process serves (its shards'): only their channels are delivered to. */
	guildIds: () => Iterable<string>;
	/** First retry delay after a passing failure; doubles up to `retryMaxMs`. */
	retryBaseMs?: number;
	retryMaxMs?: number;
	/** Tests use second-level cron patterns; production fires at the subscription's HH:MM. */
	cronPattern?: (sub: Subscription) => string;
	/** True when the channel is known to be gone (its guild is cached, the channel is not). */
	channelGone?: (sub: Subscription) => boolean;
	/** Tells the guild a subscription was paused (where the bot can say so); must not throw. */
	notifyPaused?: (sub: Subscription, why: { code: number | null; reason: string }) => Promise<void>;
	/** Interval of the safety sweep (tests shorten it). */
	sweepMs?: number;
	/** Told every outcome (metrics); must not throw. */
	onOutcome?: (sub: Subscription, outcome: DeliveryOutcome) => void;
	/** How many channels one wake-up delivers to at once (default {@link FAN_OUT}). */
	fanOut?: number;
	/** The store's leases: a channel is delivered by one process at a time. */
	leases: ChannelLeases;
	/** A channel lease's ttl (default {@link CHANNEL_LEASE_MS}); tests shorten it. */
	channelLeaseMs?: number;
	/** When a channel whose lease another process holds is tried again (default half the lease). */
	leaseRetryMs?: number;
}

/**
 * Channels in flight at once when many wake together. Enough to keep Discord's 50 requests/s
 * busy at 100–300 ms per request, few enough that the first messages leave at once: starting
 * thousands together queues every channel's store reads before anyone's first post, and the
 * sends then come in one late burst (measured: 2.7 s of silence before 1,000 channels).
 */
export const FAN_OUT = 64;

const UNKNOWN_CHANNEL = 10003;

/** How often the safety sweep looks for subscriptions owed a digest. */
export const SWEEP_MS = 5 * 60_000;
/** A wake-up this late still runs (node-cron's default was 1 s). */
export const MISSED_FIRE_TOLERANCE_MS = 10 * 60_000;

const key = (sub: Pick<Subscription, 'guildId' | 'channelId'>) => `${sub.guildId}:${sub.channelId}`;
const fromKey = (k: string) => ({ guildId: k.slice(0, k.indexOf(':')), channelId: k.slice(k.indexOf(':') + 1) });

/**
 * Wakes each subscription at its time in its zone (one timer for all of them), when new
 * digests land, and after failures with backoff. Channels run concurrently — one channel's trouble never waits
 * on another — while runs for one channel never overlap, here or (by the channel's lease in the
 * store) in another process.
 */
export class Scheduler {
	/**
	 * One timer for every subscription's next fire. A node-cron task each held 3.5 KB of heap and a
	 * timer of its own, took 6× as long to schedule, and woke 5,000 due at one second over a second.
	 */
	private readonly wakes: WakeTimer;
	private readonly running = new Map<string, Promise<DeliveryOutcome | null>>();
	private readonly again = new Set<string>();
	private readonly retries = new Map<string, { timer: NodeJS.Timeout; attempt: number }>();
	/** Removed while a run was in flight: that run stops before its next message. */
	private readonly cancelled = new Set<string>();
	private readonly batches = new Set<Promise<void>>();
	private sweepTimer: NodeJS.Timeout | undefined;
	private stopped = false;
	private readonly log: Logger;

	constructor(private readonly opts: SchedulerOptions) {
		this.log = opts.logger.child({ part: 'scheduler' });
		this.wakes = new WakeTimer({
			now: () => opts.now().getTime(),
			toleranceMs: MISSED_FIRE_TOLERANCE_MS,
			onWake: (keys, missed) => {
				if (missed > 0) this.log.warn({ missed }, 'wake-ups later than the tolerance were missed; the safety sweep delivers them');
				// All due at once go through the fan-out, like any other wake-up of many channels.
				if (keys.length > 0 && !this.stopped) void this.runMany(keys.map(fromKey));
			},
		});
	}

	/**
	 * Schedules every subscription of this process's guilds, then delivers what was missed while
	 * down in the background (`idle()` waits for it), so start-up and shutdown never wait on it.
	 */
	async start(): Promise<void> {
		const subs = await this.opts.subscriptions.listAll(this.opts.guildIds());
		for (const sub of subs) this.schedule(sub, false);
		this.wakes.arm();
		this.log.info({ subscriptions: subs.length }, 'scheduler started; catching up');
		// A safety net under the timed wake-ups: a wake-up lost to a stalled event loop or to a
		// daylight-saving gap (02:30 does not exist on the spring-forward day) is caught here.
		this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs ?? SWEEP_MS);
		this.sweepTimer.unref();
		void this.runMany(subs);
	}

	/** Runs the subscriptions that may be owed something: a digest newer than their last one. */
	async sweep(): Promise<void> {
		const latest = this.opts.archive.latestDate();
		if (!latest || this.stopped) return;
		const subs = await this.opts.subscriptions.listAll(this.opts.guildIds());
		await this.runMany(subs.filter((s) => !s.paused && (s.lastDeliveredDate === null || s.lastDeliveredDate < latest)));
	}

	/** After /subscribe or /resume: (re)schedule and deliver anything already due. */
	async upsert(sub: Subscription): Promise<DeliveryOutcome | null> {
		this.schedule(sub);
		return this.run(sub.guildId, sub.channelId);
	}

	remove(guildId: string, channelId: string): void {
		const k = `${guildId}:${channelId}`;
		if (this.running.has(k)) this.cancelled.add(k);
		this.wakes.delete(k);
		const retry = this.retries.get(k);
		if (retry) clearTimeout(retry.timer);
		this.retries.delete(k);
	}

	removeGuild(guildId: string): void {
		for (const k of [...this.wakes.keys()]) if (k.startsWith(`${guildId}:`)) this.remove(guildId, k.slice(guildId.length + 1));
	}

	/** New or changed digests: every open subscription gets them now, the rest at their time. */
	async onDigestsChanged(): Promise<void> {
		const subs = await this.opts.subscriptions.listAll(this.opts.guildIds());
		await this.runMany(subs);
	}

	nextRun(sub: Pick<Subscription, 'guildId' | 'channelId'>): Date | null {
		const at = this.wakes.next(key(sub));
		return at === null ? null : new Date(at);
	}

	/** Channels being delivered to now or waiting for a retry. */
	depth(): number {
		return this.running.size + this.retries.size;
	}

	/** Resolves when no delivery is in flight. */
	async idle(): Promise<void> {
		while (this.running.size > 0 || this.batches.size > 0) await Promise.allSettled([...this.running.values(), ...this.batches]);
	}

	/** Stops waking anything; runs in flight end after the message they are sending. */
	async stop(): Promise<void> {
		this.stopped = true;
		clearInterval(this.sweepTimer);
		this.wakes.clear();
		for (const { timer } of this.retries.values()) clearTimeout(timer);
		this.retries.clear();
		await this.idle();
	}

	private schedule(sub: Subscription, arm = true): void {
		if (this.stopped) return;
		const k = key(sub);
		this.cancelled.delete(k);
		const pattern = this.opts.cronPattern?.(sub);
		this.wakes.set(k, pattern === undefined ? subscriptionRule(sub) : ruleOfCron(pattern), sub.timezone, arm);
	}

	private async runMany(subs: readonly Pick<Subscription, 'guildId' | 'channelId'>[]): Promise<void> {
		let next = 0;
		const worker = async () => {
			while (next < subs.length && !this.stopped) {
				const s = subs[next++];
				if (s) await this.run(s.guildId, s.channelId).catch(() => undefined);
			}
		};
		const batch = Promise.all(Array.from({ length: Math.min(this.opts.fanOut ?? FAN_OUT, subs.length) }, worker)).then(() => undefined);
		this.batches.add(batch);
		try {
			await batch;
		} finally {
			this.batches.delete(batch);
		}
	}

	/**
	 * One delivery run for a channel. A trigger that arrives while one is running queues a
	 * single follow-up run instead of a parallel one (the ledger would be read stale).
	 */
	run(guildId: string, channelId: string): Promise<DeliveryOutcome | null> {
		const k = `${guildId}:${channelId}`;
		const current = this.running.get(k);
		if (current) {
			this.again.add(k);
			return current;
		}
		const job = this.runOnce(guildId, channelId).finally(() => {
			this.running.delete(k);
			this.cancelled.delete(k);
			if (this.again.delete(k) && !this.stopped) void this.run(guildId, channelId);
		});
		this.running.set(k, job);
		return job;
	}

	private async runOnce(guildId: string, channelId: string): Promise<DeliveryOutcome | null> {
		if (this.stopped) return null;
		try {
			const lease = await takeChannelLease(this.opts.leases, channelId, { ttlMs: this.opts.channelLeaseMs ?? CHANNEL_LEASE_MS, logger: this.log });
			if (!lease) {
				// Not delivered here, so not counted: tried again soon, and taken over once a holder that died lets its lease expire.
				this.log.info({ guild: guildId, channel: channelId }, 'channel is being delivered by another process; skipped this round');
				this.retryLater({ guildId, channelId }, this.leaseRetryMs());
				return null;
			}
			try {
				return await this.deliverLeased(guildId, channelId, lease.lost);
			} finally {
				await lease.release();
			}
		} catch (err) {
			this.log.error({ err, guild: guildId, channel: channelId }, 'delivery run failed; will retry');
			this.retryLater({ guildId, channelId });
			return null;
		}
	}

	private async deliverLeased(guildId: string, channelId: string, leaseLost: () => boolean): Promise<DeliveryOutcome | null> {
		const k = `${guildId}:${channelId}`;
		// Always the stored record, read under the lease: a command or another process may have changed it since scheduling.
		const sub = await this.opts.subscriptions.get(guildId, channelId);
		if (!sub) {
			this.remove(guildId, channelId);
			return null;
		}
		const shouldStop = () => this.stopped || this.cancelled.has(k) || leaseLost();
		const outcome = await deliverSubscription(sub, { ...this.opts, shouldStop });
		this.opts.onOutcome?.(sub, outcome);
		if (outcome.kind === 'retry') this.retryLater(sub);
		else if (outcome.kind === 'idle' && outcome.reason === 'stopped' && leaseLost() && !this.stopped) {
			this.log.warn({ guild: guildId, channel: channelId }, 'channel lease lost mid-run; stopped before the next message');
			this.retryLater(sub, this.leaseRetryMs());
		} else this.clearRetry(k);
		if (outcome.kind === 'paused' && outcome.failure.code === UNKNOWN_CHANNEL && this.opts.channelGone?.(sub)) {
			// Deleted while the bot was away (no CHANNEL_DELETE reached it): same as a deletion seen live.
			await this.opts.subscriptions.delete(guildId, channelId);
			this.remove(guildId, channelId);
			this.log.info({ guild: guildId, channel: channelId }, 'channel no longer exists; subscription removed');
		} else if (outcome.kind === 'paused') await this.opts.notifyPaused?.(sub, outcome.failure);
		return outcome;
	}

	/** After a failure, with doubling waits; `fixedMs` (a lease held elsewhere) waits that long and keeps the backoff where it was. */
	private retryLater(sub: Pick<Subscription, 'guildId' | 'channelId'>, fixedMs?: number): void {
		if (this.stopped) return;
		const k = key(sub);
		const previous = this.retries.get(k);
		if (previous) clearTimeout(previous.timer);
		const attempt = (previous?.attempt ?? 0) + (fixedMs === undefined ? 1 : 0);
		const base = this.opts.retryBaseMs ?? 15_000;
		const delay = fixedMs ?? Math.min(base * 2 ** (attempt - 1), this.opts.retryMaxMs ?? 15 * 60_000);
		const timer = setTimeout(() => void this.run(sub.guildId, sub.channelId), delay);
		timer.unref();
		this.retries.set(k, { timer, attempt });
		this.log.info({ guild: sub.guildId, channel: sub.channelId, attempt, delayMs: delay }, 'delivery retry scheduled');
	}

	private leaseRetryMs(): number {
		return this.opts.leaseRetryMs ?? Math.ceil((this.opts.channelLeaseMs ?? CHANNEL_LEASE_MS) / 2);
	}

	private clearRetry(k: string): void {
		const retry = this.retries.get(k);
		if (retry) clearTimeout(retry.timer);
		this.retries.delete(k);
	}
}
