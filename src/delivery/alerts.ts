import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { DigestText } from './alert-plan.ts';
import { alertMessage, alertNonce, digestText, planAlerts, type PlannedAlert } from './alert-plan.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Logger } from '../log.ts';
import type { Leases, Members } from '../store/store.ts';

/**
 * Members' alerts by DM, after the channels: for the newest digest, each member whose follows
 * match gets one DM, exactly once. The DM is written down as pending (with its nonce) before it
 * is sent and as sent once Discord accepted it; a crash in between resends with the same nonce,
 * which Discord deduplicates. A member who cannot be messaged (50007) is paused, not retried.
 */
export interface AlertDeps {
	members: Members;
	leases: Leases;
	archive: { latestDate(): string | undefined; hasDate(date: string): boolean; digest(date: string): { papers: readonly ArchivedPaper[] } | undefined };
	rest: Pick<REST, 'post'>;
	logger: Logger;
	now: () => Date;
	/** Resolves when no channel delivery is running: channel digests go first. */
	channelsIdle: () => Promise<void>;
	/** REST requests per second the alerts may use; the rest of Discord's 50 is the channels'. */
	perSecond?: number;
	/** How long one process holds the digest's alerts before another may take over (a crash). */
	leaseMs?: number;
	/** DMs in flight at once: each waits on Discord's answer, so one at a time could not use its share. */
	concurrency?: number;
	/** A digest older than this (days before today, UTC) alerts no one: its records may have expired, and it is not news. */
	maxAgeDays?: number;
}

export interface AlertRun {
	date: string | null;
	planned: number;
	sent: number;
	paused: number;
	failed: number;
	requests: number;
	/** Time spent matching follows against the digest (ms). */
	matchMs: number;
}

export const ALERTS_PER_SECOND = 20;
const LEASE_MS = 30_000;
const MAX_AGE_DAYS = 2;
const CONCURRENCY = 8;
const UNKNOWN_CHANNEL = 10003;
/** Discord: "Cannot send messages to this user". Also 50278 for users who share no server any more. */
const CANNOT_DM = new Set([50007, 50278]);

export class MemberAlerts {
	private running: Promise<AlertRun> | null = null;
	private again = false;
	private stopped = false;
	private retry: NodeJS.Timeout | undefined;
	private nextSlot = 0;

	constructor(private readonly deps: AlertDeps) {}

	/** A new digest (or a start): runs now, or once more after the run in flight. */
	trigger(): void {
		if (this.stopped) return;
		if (this.running) {
			this.again = true;
			return;
		}
		this.running = this.run()
			.catch((err: unknown) => {
				this.deps.logger.error({ err }, 'member alerts failed');
				return null as unknown as AlertRun;
			})
			.finally(() => {
				this.running = null;
				if (this.again) {
					this.again = false;
					this.trigger();
				}
			});
	}

	async idle(): Promise<void> {
		while (this.running) await this.running;
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.retry);
		await this.idle();
	}

	/** Waits for the next request slot, so alerts never take more than their share of the rate limit. */
	private async pace(): Promise<void> {
		const gap = 1000 / (this.deps.perSecond ?? ALERTS_PER_SECOND);
		const now = Date.now();
		const at = Math.max(now, this.nextSlot);
		this.nextSlot = at + gap;
		if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
	}

	async run(): Promise<AlertRun> {
		const { deps } = this;
		const date = deps.archive.latestDate() ?? null;
		const result: AlertRun = { date, planned: 0, sent: 0, paused: 0, failed: 0, requests: 0, matchMs: 0 };
		if (!date || !deps.archive.hasDate(date)) return result;
		const oldest = new Date(deps.now().getTime() - (deps.maxAgeDays ?? MAX_AGE_DAYS) * 86_400_000).toISOString().slice(0, 10);
		if (date < oldest) return result;
		const leaseMs = deps.leaseMs ?? LEASE_MS;
		const lease = `alerts:${date}`;
		if (!(await deps.leases.tryLock(lease, leaseMs))) {
			// Another process sends them; if it dies, its lease lapses and this one picks up.
			clearTimeout(this.retry);
			this.retry = setTimeout(() => this.trigger(), leaseMs + 1000);
			this.retry.unref();
			return result;
		}
		try {
			const followers = await deps.members.followers();
			// With nobody following anything, the day's papers need not even be read.
			const day = followers.length > 0 ? deps.archive.digest(date) : undefined;
			const started = performance.now();
			const text: DigestText | undefined = day && digestText(day.papers);
			const plans = text ? planAlerts(date, text, followers) : [];
			result.matchMs = performance.now() - started;
			result.planned = plans.length;
			let renewedAt = Date.now();
			let lost = false;
			let next = 0;
			const worker = async () => {
				while (next < plans.length && !this.stopped && !lost) {
					if (Date.now() - renewedAt > leaseMs / 3) {
						renewedAt = Date.now();
						if (!(await deps.leases.renew(lease, leaseMs))) lost = true;
					}
					const plan = plans[next++];
					if (!plan || lost) break;
					await deps.channelsIdle();
					await this.deliver(date, plan, result);
				}
			};
			await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? CONCURRENCY) }, worker));
		} finally {
			await deps.leases.unlock(lease);
		}
		if (result.planned > 0) deps.logger.info({ ...result, matchMs: Math.round(result.matchMs) }, 'member alerts sent');
		return result;
	}

	private async deliver(date: string, plan: PlannedAlert, result: AlertRun): Promise<void> {
		const { members, logger, now } = this.deps;
		const log = logger.child({ user: plan.userId, date });
		if (await members.dmPaused(plan.userId)) return;
		const record = await members.dm(plan.userId, date);
		if (record?.state === 'sent') return;
		// A pending record is a send a crash interrupted: the same papers and nonce again.
		const nonce = record?.nonce ?? alertNonce(plan.userId, date);
		const papers = record ? plan.papers.filter((p) => record.paperIds.includes(p.id)) : plan.papers;
		const alert = { ...plan, papers: papers.length > 0 ? papers : plan.papers };
		const pending = {
			userId: plan.userId,
			date,
			state: 'pending' as const,
			nonce,
			paperIds: alert.papers.map((p) => p.id),
			queries: plan.queries,
			messageId: null,
			at: now().toISOString(),
		};
		if (!record) await members.setDm(pending);
		try {
			const body = { ...alertMessage(date, alert), nonce, enforce_nonce: true, allowed_mentions: { parse: [] } };
			const send = async (channelId: string) => {
				await this.pace();
				result.requests += 1;
				return (await this.deps.rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
			};
			const kept = await members.dmChannel(plan.userId);
			let posted: { id: string };
			try {
				posted = await send(kept ?? (await this.openDm(plan.userId, result)));
			} catch (err) {
				// A kept channel Discord no longer knows (10003): asked for again, once.
				if (!(kept && err instanceof DiscordAPIError && err.code === UNKNOWN_CHANNEL)) throw err;
				posted = await send(await this.openDm(plan.userId, result));
			}
			await members.setDm({ ...pending, state: 'sent', messageId: posted.id, at: now().toISOString() });
			result.sent += 1;
		} catch (err) {
			if (err instanceof DiscordAPIError && typeof err.code === 'number' && (CANNOT_DM.has(err.code) || err.status === 403)) {
				await members.setDmPaused(plan.userId, {
					reason: `Discord answered ${err.status} (${err.code}): ${err.message}`.slice(0, 500),
					code: err.code,
					at: now().toISOString(),
				});
				result.paused += 1;
				log.info({ code: err.code }, 'member cannot be messaged: alerts paused');
				return;
			}
			// Left pending: the next run sends it with the same nonce.
			result.failed += 1;
			log.warn({ err }, 'alert DM failed; it stays pending');
		}
	}

	private async openDm(userId: string, result: AlertRun): Promise<string> {
		await this.pace();
		result.requests += 1;
		const channel = (await this.deps.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
		// Opening a DM channel is one rate-limit bucket for the whole bot, so each member's is kept.
		await this.deps.members.setDmChannel(userId, channel.id);
		return channel.id;
	}
}
