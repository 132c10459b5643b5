import { ChannelType, Routes, type REST, type APIMessage, type APIChannel, DiscordAPIError } from 'discord.js';
import type { Archive } from '../archive/archive.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Locale } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { digestMessages, type MessageBody } from '../render/embed.ts';
import { CorruptRecordError, type Store } from '../store/store.ts';
import type { Subscription } from '../store/schema.ts';
import { isOpen, localTime } from './clock.ts';
import { classifyFailure, type Failure } from './failures.ts';
import { candidateDates, messageNonce, planDigest, selectPapers } from './plan.ts';

export interface DeliveryDeps {
	store: Store;
	archive: Archive;
	rest: REST;
	logger: Logger;
	now: () => Date;
	catchUpDays: number;
	/** The language of the header line for a guild (its preferred locale). */
	localeFor?: (guildId: string) => Locale;
}

export type DeliveryOutcome =
	| { kind: 'idle'; reason: 'paused' | 'not-yet' | 'nothing-new' }
	| { kind: 'delivered'; messages: number; dates: string[] }
	| { kind: 'paused'; failure: Extract<Failure, { action: 'pause' }>; messages: number }
	| { kind: 'retry'; failure: Extract<Failure, { action: 'retry' }>; messages: number };

// Discord caps thread names at 100 characters; ours are short, but the date is the point.
const THREAD_ARCHIVE_MINUTES = 1440;
const THREAD_ALREADY_CREATED = 160004;

class SendFailed extends Error {
	constructor(readonly failure: Failure) {
		super(failure.reason);
	}
}

/**
 * Posts everything a subscription is still owed, oldest digest first. Each message is recorded
 * in the ledger right after Discord accepts it and carries a deterministic nonce, so a crash at
 * any point resends nothing twice. Never throws for Discord's answers: it reports an outcome.
 */
export async function deliverSubscription(sub: Subscription, deps: DeliveryDeps): Promise<DeliveryOutcome> {
	if (sub.paused) return { kind: 'idle', reason: 'paused' };
	const now = deps.now();
	if (!isOpen(sub, now)) return { kind: 'idle', reason: 'not-yet' };
	const log = deps.logger.child({ guild: sub.guildId, channel: sub.channelId });
	const today = localTime(now, sub.timezone).date;
	const { due, tooOld } = candidateDates({
		dates: deps.archive.dates(),
		startAfterDate: sub.startAfterDate,
		lastDeliveredDate: sub.lastDeliveredDate,
		today,
		catchUpDays: deps.catchUpDays,
	});
	const locale = deps.localeFor?.(sub.guildId) ?? 'ko';
	let sent = 0;
	const done: string[] = [];
	try {
		for (const date of due) {
			const digest = deps.archive.digest(date);
			if (!digest) continue;
			let delivered: Set<string>;
			try {
				delivered = await deps.store.deliveredPaperIds(sub.channelId, date);
			} catch (err) {
				if (!(err instanceof CorruptRecordError)) throw err;
				// A ledger record exists only where something was posted: sending the digest again would duplicate it.
				log.warn({ date, key: err.key, problem: err.problem }, 'ledger record is corrupt; digest not sent to this channel');
				continue;
			}
			const wanted = selectPapers(sub, digest.papers);
			if (wanted.every((p) => delivered.has(p.id))) continue;
			const target = sub.thread ? await ensureThread(sub, date, wanted, locale, deps) : sub.channelId;
			const planned = planDigest({ sub, date, papers: digest.papers, delivered, locale, header: !sub.thread });
			for (const message of planned) {
				const posted = await post(deps.rest, target, message.body);
				await deps.store.recordDelivered(sub.channelId, date, message.nonce, { messageId: posted.id, paperIds: message.paperIds });
				sent += 1;
			}
			done.push(date);
			log.info({ date, messages: planned.length, papers: planned.reduce((n, m) => n + m.paperIds.length, 0) }, 'digest delivered');
		}
	} catch (err) {
		if (!(err instanceof SendFailed)) throw err;
		await markDone(sub, done, deps);
		if (err.failure.action === 'pause') {
			await deps.store.patchSubscription(sub.guildId, sub.channelId, {
				paused: { reason: err.failure.reason, code: err.failure.code, at: now.toISOString() },
			});
			log.warn({ code: err.failure.code, status: err.failure.status, reason: err.failure.reason }, 'subscription paused');
			return { kind: 'paused', failure: err.failure, messages: sent };
		}
		log.warn({ status: err.failure.status, reason: err.failure.reason, sent }, 'delivery interrupted; will retry');
		return { kind: 'retry', failure: err.failure, messages: sent };
	}
	if (tooOld.length > 0) log.info({ dates: tooOld, catchUpDays: deps.catchUpDays }, 'skipped digests older than the catch-up window');
	await markDone(sub, done, deps);
	return done.length ? { kind: 'delivered', messages: sent, dates: done } : { kind: 'idle', reason: 'nothing-new' };
}

async function markDone(sub: Subscription, done: string[], deps: DeliveryDeps): Promise<void> {
	const last = done.at(-1);
	if (!last || (sub.lastDeliveredDate !== null && sub.lastDeliveredDate >= last)) return;
	await deps.store.patchSubscription(sub.guildId, sub.channelId, { lastDeliveredDate: last });
}

async function post(rest: REST, channelId: string, body: MessageBody): Promise<APIMessage> {
	try {
		return (await rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
	} catch (err) {
		throw new SendFailed(classifyFailure(err));
	}
}

/**
 * Thread mode: a header message in the channel (with the role mention), and a thread started
 * from it that holds the papers. A thread started from a message has that message's id, so a
 * crash between the two steps recovers without a second thread.
 */
async function ensureThread(
	sub: Subscription,
	date: string,
	papers: readonly ArchivedPaper[],
	locale: Locale,
	deps: DeliveryDeps,
): Promise<string> {
	const known = await deps.store.getThread(sub.channelId, date);
	if (known) return known;
	const headerKey = messageNonce(sub.channelId, date, [], 'header');
	const ledger = await deps.store.getLedger(sub.channelId, date);
	let headerId = ledger.get(headerKey)?.messageId;
	if (!headerId) {
		// The renderer's own header line (and mention), without the embeds that go in the thread.
		const [first] = digestMessages(date, papers, { locale, header: true, ...(sub.mentionRoleId ? { roleId: sub.mentionRoleId } : {}) });
		const body: MessageBody = {
			content: first?.content ?? date,
			embeds: [],
			allowed_mentions: first?.allowed_mentions ?? { parse: [] },
			nonce: headerKey,
			enforce_nonce: true,
		};
		headerId = (await post(deps.rest, sub.channelId, body)).id;
		await deps.store.recordDelivered(sub.channelId, date, headerKey, { messageId: headerId, paperIds: [] });
	}
	try {
		const thread = (await deps.rest.post(Routes.threads(sub.channelId, headerId), {
			body: { name: `Daily Papers ${date}`, auto_archive_duration: THREAD_ARCHIVE_MINUTES, type: ChannelType.PublicThread },
		})) as APIChannel;
		await deps.store.setThread(sub.channelId, date, thread.id);
		return thread.id;
	} catch (err) {
		if (err instanceof DiscordAPIError && err.code === THREAD_ALREADY_CREATED) {
			await deps.store.setThread(sub.channelId, date, headerId);
			return headerId;
		}
		throw new SendFailed(classifyFailure(err));
	}
}
