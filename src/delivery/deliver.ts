import { ChannelType, Routes, type REST, type APIMessage, type APIChannel, DiscordAPIError } from 'discord.js';
import type { Archive } from '../archive/archive.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { digestMessages, type MessageBody } from '../render/embed.ts';
import { CorruptRecordError, type Ledger, type Subscriptions } from '../store/store.ts';
import { arxivUrl } from '../digest/arxiv.ts';
import type { LedgerEntry, Subscription } from '../store/schema.ts';
import { isOpen, localTime } from '../time/clock.ts';
import { classifyFailure, type Failure } from './failures.ts';
import { recoverPosted } from './rollback.ts';
import { candidateDates, messageNonce, planDigest, selectPapers, type PendingSend, type PlannedMessage } from './plan.ts';

export interface DeliveryDeps {
	ledger: Ledger;
	subscriptions: Subscriptions;
	archive: Archive;
	rest: REST;
	logger: Logger;
	now: () => Date;
	catchUpDays: number;
	/** The language of the header line for a guild (its preferred locale). */
	localeFor?: (guildId: string) => Locale;
	/**
	 * Permissions the bot lacks in the channel by the gateway's cache (null when it does not know).
	 * Lets a run stop before a request Discord would refuse, and catches a missing Embed Links,
	 * which Discord does not refuse but silently strips.
	 */
	missingPermissions?: (sub: Subscription) => string[] | null;
	/** Checked before every request: shutting down, or the subscription was removed. */
	shouldStop?: () => boolean;
}

export type DeliveryOutcome =
	| { kind: 'idle'; reason: 'paused' | 'not-yet' | 'nothing-new' | 'stopped' }
	| { kind: 'delivered'; messages: number; dates: string[] }
	| { kind: 'paused'; failure: Extract<Failure, { action: 'pause' }>; messages: number }
	| { kind: 'retry'; failure: Extract<Failure, { action: 'retry' }>; messages: number };

const THREAD_ARCHIVE_MINUTES = 1440;
const THREAD_ALREADY_CREATED = 160004;
/**
 * Discord deduplicates a nonce for "a few minutes". A send left unconfirmed for longer is looked
 * for in the channel before it is sent again.
 */
export const NONCE_TRUST_MS = 2 * 60_000;
/** How far back a lost send is looked for; a run posts far fewer messages than this per channel. */
const RECENT_MESSAGES = 50;

class SendFailed extends Error {
	constructor(readonly failure: Failure) {
		super(failure.reason);
	}
}
class Stopped extends Error {}

/**
 * Posts everything a subscription is still owed, oldest digest first. Before each message the
 * send is written down (pending); after Discord accepts it, the ledger records it. Each message
 * carries a deterministic nonce, and a pending send found after a crash is sent again with its
 * own papers and nonce — or, when Discord's nonce memory may have lapsed, first looked for in the
 * channel — so nothing is posted twice and nothing is skipped. Never throws for Discord's
 * answers: it reports an outcome.
 */
export async function deliverSubscription(sub: Subscription, deps: DeliveryDeps): Promise<DeliveryOutcome> {
	if (sub.paused) return { kind: 'idle', reason: 'paused' };
	const now = deps.now();
	const open = isOpen(sub, now);
	const log = deps.logger.child({ guild: sub.guildId, channel: sub.channelId });
	const { due, tooOld } = candidateDates({
		dates: deps.archive.dates(),
		startAfterDate: sub.startAfterDate,
		lastDeliveredDate: sub.lastDeliveredDate,
		today: localTime(now, sub.timezone).date,
		catchUpDays: deps.catchUpDays,
	});
	const locale = deps.localeFor?.(sub.guildId) ?? 'ko';
	let sent = 0;
	const delivered: string[] = [];
	const complete: string[] = [];
	const posted: string[] = [];
	try {
		for (const date of due) {
			const digest = deps.archive.digest(date);
			if (!digest) continue;
			let ledger: Map<string, LedgerEntry>;
			try {
				ledger = await deps.ledger.sent(sub.channelId, date);
			} catch (err) {
				if (!(err instanceof CorruptRecordError)) throw err;
				// A ledger record exists only where something was posted: sending the digest again would duplicate it.
				log.warn({ date, key: err.key, problem: err.problem }, 'ledger record is corrupt; digest not sent to this channel');
				continue;
			}
			// Before today's time only a digest already begun is finished (a retry past midnight).
			if (!open && ledger.size === 0) continue;
			const done = new Set([...ledger.values()].flatMap((e) => e.paperIds));
			const pending = await readPending(sub, date, ledger, deps);
			const wanted = selectPapers(sub, digest.papers);
			if (!pending && wanted.every((p) => done.has(p.id))) {
				complete.push(date);
				continue;
			}
			const missing = deps.missingPermissions?.(sub);
			if (missing?.length) {
				throw new SendFailed({ action: 'pause', code: 50013, status: 403, reason: `Missing Permissions: the bot needs ${missing.join(', ')} here` });
			}
			// Asked before anything is posted: it also refuses to go on when the store lost its data.
			const mayHaveRolledBack = await deps.ledger.mayHaveRolledBack(sub.channelId, date);
			const target = sub.thread ? await ensureThread(sub, date, wanted, locale, deps) : sub.channelId;
			if (mayHaveRolledBack) await recoverPosted({ ledger: deps.ledger, rest: deps.rest, log, channelId: sub.channelId, date, target, papers: wanted, done });
			const planned = planDigest({ sub, date, papers: digest.papers, delivered: done, pending, locale, header: !sub.thread });
			for (const [i, message] of planned.entries()) {
				if (deps.shouldStop?.()) throw new Stopped();
				const found = i === 0 && pending && message.nonce === pending.nonce ? await findLostSend(pending, target, deps, log) : null;
				const posted = found ?? (await send(sub, date, target, message, deps, log));
				if (posted) await deps.ledger.recordDelivered(sub.channelId, date, message.nonce, { messageId: posted.id, paperIds: message.paperIds });
				if (!found) sent += 1;
			}
			delivered.push(date);
			complete.push(date);
			if (planned.length > 0) posted.push(date);
			log.info({ date, messages: planned.length, papers: planned.reduce((n, m) => n + m.paperIds.length, 0) }, 'digest delivered');
		}
	} catch (err) {
		if (err instanceof Stopped) {
			await markComplete(sub, complete, posted, deps);
			return { kind: 'idle', reason: 'stopped' };
		}
		if (!(err instanceof SendFailed)) throw err;
		await markComplete(sub, complete, posted, deps);
		if (err.failure.action === 'pause') {
			await deps.subscriptions.patch(sub.guildId, sub.channelId, {
				paused: { reason: err.failure.reason, code: err.failure.code, at: now.toISOString() },
			});
			log.warn({ code: err.failure.code, status: err.failure.status, reason: err.failure.reason }, 'subscription paused');
			return { kind: 'paused', failure: err.failure, messages: sent };
		}
		if (err.failure.action === 'retry') {
			log.warn({ status: err.failure.status, reason: err.failure.reason, sent }, 'delivery interrupted; will retry');
			return { kind: 'retry', failure: err.failure, messages: sent };
		}
		throw err;
	}
	if (tooOld.length > 0) {
		// A subscription with no history against a ten-year archive would list thousands of dates.
		const dates = tooOld.length <= 10 ? tooOld : [...tooOld.slice(0, 5), `… ${tooOld.length - 10} more …`, ...tooOld.slice(-5)];
		log.info({ skipped: tooOld.length, dates, catchUpDays: deps.catchUpDays }, 'skipped digests older than the catch-up window');
	}
	await markComplete(sub, complete, posted, deps);
	if (delivered.length) return { kind: 'delivered', messages: sent, dates: delivered };
	return { kind: 'idle', reason: open ? 'nothing-new' : 'not-yet' };
}

/** The unconfirmed send of a digest, if its nonce is not in the ledger yet. */
async function readPending(
	sub: Subscription,
	date: string,
	ledger: Map<string, LedgerEntry>,
	deps: DeliveryDeps,
): Promise<(PendingSend & { at: string }) | null> {
	const pending = await deps.ledger.pending(sub.channelId, date);
	return pending && !ledger.has(pending.nonce) ? pending : null;
}

/**
 * One message: written down as pending, posted, checked. A 400 sets the message aside (logged,
 * recorded with message id 0) rather than blocking every later digest; Embed Links stripped by
 * Discord pauses the subscription without recording, so the papers go out after /resume.
 */
async function send(
	sub: Subscription,
	date: string,
	target: string,
	message: PlannedMessage,
	deps: DeliveryDeps,
	log: Logger,
): Promise<APIMessage | { id: string }> {
	await deps.ledger.setPending(sub.channelId, date, { nonce: message.nonce, paperIds: message.paperIds, at: deps.now().toISOString() });
	let posted: APIMessage;
	try {
		posted = (await deps.rest.post(Routes.channelMessages(target), { body: message.body })) as APIMessage;
	} catch (err) {
		const failure = classifyFailure(err);
		if (failure.action !== 'reject') throw new SendFailed(failure);
		log.error({ date, papers: message.paperIds, reason: failure.reason }, 'Discord rejected a message; its papers are set aside');
		return { id: '0' };
	}
	if ((posted.embeds?.length ?? 0) < message.body.embeds.length) {
		throw new SendFailed({
			action: 'pause',
			code: 50013,
			status: 403,
			reason: 'Missing Permissions: the bot needs Embed Links here (Discord removed the embeds)',
		});
	}
	return posted;
}

/**
 * A send whose outcome was lost (a crash, a dropped connection) long enough ago that Discord may
 * have forgotten its nonce: look for it among the channel's recent messages before sending again.
 */
async function findLostSend(pending: PendingSend & { at: string }, target: string, deps: DeliveryDeps, log: Logger): Promise<{ id: string } | null> {
	if (deps.now().getTime() - Date.parse(pending.at) < NONCE_TRUST_MS) return null;
	try {
		const recent = (await deps.rest.get(Routes.channelMessages(target), { query: new URLSearchParams({ limit: String(RECENT_MESSAGES) }) })) as APIMessage[];
		const urls = new Set(pending.paperIds.map((id) => arxivUrl(id)));
		const match = recent.find((m) => m.author.bot && [...urls].every((u) => m.embeds.some((e) => e.url === u)));
		if (match) log.info({ messageId: match.id, papers: pending.paperIds }, 'found a message sent before a crash; not sending it again');
		return match ? { id: match.id } : null;
	} catch (err) {
		log.warn({ err, papers: pending.paperIds }, 'could not read recent messages to confirm a lost send; sending again');
		return null;
	}
}

async function markComplete(sub: Subscription, complete: string[], posted: string[], deps: DeliveryDeps): Promise<void> {
	const last = complete.sort().at(-1);
	const lastPosted = posted.sort().at(-1);
	const patch: { lastDeliveredDate?: string; lastPostedDate?: string } = {};
	if (last && (sub.lastDeliveredDate === null || sub.lastDeliveredDate < last)) patch.lastDeliveredDate = last;
	if (lastPosted && (!sub.lastPostedDate || sub.lastPostedDate < lastPosted)) patch.lastPostedDate = lastPosted;
	if (patch.lastDeliveredDate || patch.lastPostedDate) await deps.subscriptions.patch(sub.guildId, sub.channelId, patch);
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
async function ensureThread(sub: Subscription, date: string, papers: readonly ArchivedPaper[], locale: Locale, deps: DeliveryDeps): Promise<string> {
	const known = await deps.ledger.getThread(sub.channelId, date);
	if (known) return known;
	const headerKey = messageNonce(sub.channelId, date, [], 'header');
	const ledger = await deps.ledger.sent(sub.channelId, date);
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
		await deps.ledger.recordDelivered(sub.channelId, date, headerKey, { messageId: headerId, paperIds: [] });
	}
	try {
		const thread = (await deps.rest.post(Routes.threads(sub.channelId, headerId), {
			body: { name: t(locale, 'digest.thread', { date }), auto_archive_duration: THREAD_ARCHIVE_MINUTES, type: ChannelType.PublicThread },
		})) as APIChannel;
		await deps.ledger.setThread(sub.channelId, date, thread.id);
		return thread.id;
	} catch (err) {
		if (err instanceof DiscordAPIError && err.code === THREAD_ALREADY_CREATED) {
			await deps.ledger.setThread(sub.channelId, date, headerId);
			return headerId;
		}
		throw new SendFailed(classifyFailure(err));
	}
}
