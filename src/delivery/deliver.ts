import { Routes, type REST, type APIMessage } from 'discord.js';
import type { Archive } from '../archive/archive.ts';
import type { Locale } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { CorruptRecordError, type Ledger, type Subscriptions } from '../store/store.ts';
import { arxivUrl } from '../digest/arxiv.ts';
import type { LedgerEntry, Subscription } from '../store/schema.ts';
import { isOpen, localTime } from '../time/clock.ts';
import { classifyFailure, SendFailed, type Failure } from './failures.ts';
import { ensureThread } from './thread.ts';
import { ensureForumPost, isForumSubscription } from './forum.ts';
import { duePost, effectiveTop, rollupDates } from './rollup.ts';
import { recoverPosted } from './rollback.ts';
import { applyEdits } from './apply-edits.ts';
import { planEdits, type PlannedEdit } from './redraw.ts';
import { candidateDates, planDigest, selectPapers, type PendingSend, type PlannedMessage } from './plan.ts';

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
	/** Told of each message Discord refused as invalid (metrics); must not throw. */
	onRejected?: () => void;
	/** How long after a digest's first post in a channel a rewrite of it edits what was posted (default 48 h). */
	editWindowMs?: number;
	/** Checked before every request: shutting down, or the subscription was removed. */
	shouldStop?: () => boolean;
}

export type DeliveryOutcome =
	| { kind: 'idle'; reason: 'paused' | 'not-yet' | 'nothing-new' | 'stopped' }
	| { kind: 'delivered'; messages: number; papers: number; dates: string[] }
	| { kind: 'paused'; failure: Extract<Failure, { action: 'pause' }>; messages: number }
	| { kind: 'retry'; failure: Extract<Failure, { action: 'retry' }>; messages: number };

/**
 * Discord deduplicates a nonce for "a few minutes". A send left unconfirmed for longer is looked
 * for in the channel before it is sent again.
 */
export const NONCE_TRUST_MS = 2 * 60_000;
/** How far back a lost send is looked for; a run posts far fewer messages than this per channel. */
const RECENT_MESSAGES = 50;
export const DEFAULT_EDIT_WINDOW_MS = 48 * 60 * 60_000;

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
	const today = localTime(now, sub.timezone).date;
	const window = { startAfterDate: sub.startAfterDate, lastDeliveredDate: sub.lastDeliveredDate, today, catchUpDays: deps.catchUpDays };
	const { due, tooOld } =
		sub.cadence === 'weekly'
			? { due: rollupDates({ ...window, weekday: sub.weekday ?? 1 }), tooOld: [] }
			: candidateDates({ ...window, dates: deps.archive.dates() });
	// A roll-up's `top` is its size; the rest of the filters apply as to a day.
	const rule = { ...sub, top: effectiveTop(sub) };
	const locale = deps.localeFor?.(sub.guildId) ?? 'ko';
	let sent = 0;
	let papersSent = 0;
	const delivered: string[] = [];
	const complete: string[] = [];
	const posted: string[] = [];
	// Edits wait until every new message of this run is out: a day's first posts go first.
	const edits: Array<PlannedEdit & { date: string }> = [];
	try {
		for (const date of due) {
			const digest = duePost(sub, date, deps.archive);
			if (!digest) {
				// A week without digests is done with; a day without one may still arrive.
				if (sub.cadence === 'weekly' && (open || date < today)) complete.push(date);
				continue;
			}
			let ledger: Map<string, LedgerEntry>;
			try {
				ledger = await deps.ledger.sent(sub.channelId, date);
			} catch (err) {
				if (!(err instanceof CorruptRecordError)) throw err;
				// A ledger record exists only where something was posted: sending the digest again would duplicate it.
				log.warn({ date, key: err.key, problem: err.problem }, 'ledger record is corrupt; digest not sent to this channel');
				continue;
			}
			if (ledger.size > 0) {
				const ctx = { date, locale, ...(sub.mentionRoleId ? { roleId: sub.mentionRoleId } : {}), ...(digest.week ? { week: digest.week } : {}) };
				const windowMs = deps.editWindowMs ?? DEFAULT_EDIT_WINDOW_MS;
				for (const e of planEdits({ channelId: sub.channelId, entries: ledger, papers: digest.papers, ctx, now, windowMs })) edits.push({ ...e, date });
			}
			// Before today's time only a digest already begun is finished (a retry past midnight).
			if (!open && ledger.size === 0) continue;
			const done = new Set([...ledger.values()].flatMap((e) => e.paperIds));
			const pending = await readPending(sub, date, ledger, deps);
			const wanted = selectPapers(rule, digest.papers);
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
			const forum = isForumSubscription(sub);
			const target = forum
				? await ensureForumPost(sub, digest, wanted, locale, deps)
				: sub.thread
					? await ensureThread(sub, digest, wanted, locale, deps)
					: sub.channelId;
			if (mayHaveRolledBack) await recoverPosted({ ledger: deps.ledger, rest: deps.rest, log, channelId: sub.channelId, date, target, papers: wanted, done });
			// In a thread the cards go under the channel's header or compact index, whatever the format.
			const planned = planDigest({
				sub: sub.thread ? { ...rule, format: 'cards' } : rule,
				date,
				papers: digest.papers,
				...(digest.week ? { week: digest.week } : {}),
				delivered: done,
				pending,
				locale,
				header: !sub.thread && !forum,
				added: sub.lastDeliveredDate !== null && date <= sub.lastDeliveredDate,
			});
			for (const [i, message] of planned.entries()) {
				if (deps.shouldStop?.()) throw new Stopped();
				const found = i === 0 && pending && message.nonce === pending.nonce ? await findLostSend(pending, target, deps, log) : null;
				const posted = found ?? (await send(sub, date, target, message, deps, log));
				if (posted) {
					const view = target === sub.channelId ? message.view : { ...message.view, target };
					await deps.ledger.recordDelivered(sub.channelId, date, message.nonce, { messageId: posted.id, paperIds: message.paperIds, view });
				}
				if (!found) {
					sent += 1;
					papersSent += message.paperIds.length;
				}
			}
			delivered.push(date);
			complete.push(date);
			if (planned.length > 0) posted.push(date);
			log.info({ date, messages: planned.length, papers: planned.reduce((n, m) => n + m.paperIds.length, 0) }, 'digest delivered');
		}
		if (edits.length > 0) {
			const done = await applyEdits(edits, {
				channelId: sub.channelId,
				ledger: deps.ledger,
				rest: deps.rest,
				log,
				...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
			});
			log.info({ dates: [...new Set(edits.map((e) => e.date))], ...done }, 'rewritten digest: posted messages brought up to date');
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
	if (delivered.length) return { kind: 'delivered', messages: sent, papers: papersSent, dates: delivered };
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
		deps.onRejected?.();
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
		// A card links its paper in the embed's url, a compact list in a line of its description.
		const match = recent.find((m) => m.author.bot && [...urls].every((u) => m.embeds.some((e) => e.url === u || (e.description?.includes(`(${u})`) ?? false))));
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
