import { createHash } from 'node:crypto';
import { passesTopics } from '../archive/topics.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Locale } from '../i18n.ts';
import type { MessageBody } from '../render/embed.ts';
import { renderDigest } from '../render/formats.ts';
import type { MessageView, Subscription } from '../store/schema.ts';
import { addDays } from '../time/dates.ts';
import { asOf, bodyHash } from './redraw.ts';

/** Discord's nonce is at most 25 characters. */
const NONCE_LENGTH = 25;

export interface PlannedMessage {
	/** Ledger key and Discord nonce: the same message planned again gets the same one. */
	nonce: string;
	paperIds: string[];
	body: MessageBody;
	/** How to draw it again when the digest is rewritten (delivery adds where it was posted). */
	view: MessageView;
}

/**
 * The papers of a digest a subscription wants: on its topics, with at least `minVotes` (unknown
 * votes count as 0), then the `top` most-voted of those, kept in the digest's own order.
 */
export function selectPapers(sub: Pick<Subscription, 'minVotes' | 'top' | 'include' | 'exclude'>, papers: readonly ArchivedPaper[]): ArchivedPaper[] {
	const onTopic = sub.include?.length || sub.exclude?.length ? papers.filter((p) => passesTopics(p, sub)) : papers;
	let chosen = sub.minVotes === null ? [...onTopic] : onTopic.filter((p) => (p.votes ?? 0) >= (sub.minVotes ?? 0));
	if (sub.top !== null && chosen.length > sub.top) {
		const keep = new Set(
			[...chosen]
				.map((p, i) => ({ p, i }))
				.sort((a, b) => (b.p.votes ?? 0) - (a.p.votes ?? 0) || a.i - b.i)
				.slice(0, sub.top)
				.map(({ p }) => p.id),
		);
		chosen = chosen.filter((p) => keep.has(p.id));
	}
	return chosen;
}

/** Deterministic in (channel, digest, the message's papers): a resend after a crash is deduplicated by Discord. */
export function messageNonce(channelId: string, date: string, paperIds: readonly string[], part = ''): string {
	return createHash('sha256')
		.update(`${channelId}|${date}|${part}|${paperIds.join(',')}`)
		.digest('base64url')
		.slice(0, NONCE_LENGTH);
}

/** A message whose send was started but not confirmed: written before the POST (write-ahead). */
export interface PendingSend {
	nonce: string;
	paperIds: readonly string[];
}

/**
 * The messages still owed to a channel for one digest. Only papers not yet in the ledger are
 * rendered. A send left unconfirmed by a crash goes first, with its own papers and nonce even if
 * the digest was rewritten since, so Discord can recognise it. The header and the role mention
 * go with the first message of a digest, never again; `top` counts what was already posted.
 */
export function planDigest(opts: {
	sub: Pick<Subscription, 'channelId' | 'minVotes' | 'top' | 'mentionRoleId' | 'format' | 'include' | 'exclude'>;
	date: string;
	papers: readonly ArchivedPaper[];
	delivered: ReadonlySet<string>;
	pending?: PendingSend | null;
	locale?: Locale;
	/** In thread mode the header is its own message in the channel; the papers go in the thread. */
	header?: boolean;
	/** A weekly roll-up's window, for its header. */
	week?: { from: string; to: string };
	/**
	 * The digest was delivered in full before: papers not yet posted were added to it since, and
	 * go out under a header that says so (otherwise they are the rest of an interrupted run).
	 */
	added?: boolean;
}): PlannedMessage[] {
	const { sub, date, delivered } = opts;
	const pendingIds = new Set(opts.pending?.paperIds.filter((id) => !delivered.has(id)) ?? []);
	const resend = opts.papers.filter((p) => pendingIds.has(p.id));
	let fresh = selectPapers(sub, opts.papers).filter((p) => !delivered.has(p.id) && !pendingIds.has(p.id));
	if (sub.top !== null) {
		// A digest rewritten with new votes must not push the channel past its `top`.
		const room = Math.max(0, sub.top - delivered.size - resend.length);
		fresh = selectPapers({ minVotes: null, top: room }, fresh);
	}
	const planned: PlannedMessage[] = [];
	let first = delivered.size === 0 && (opts.header ?? true);
	for (const [group, nonceOf, isFresh] of [
		[resend, (i: number, ids: string[]) => (i === 0 && opts.pending ? opts.pending.nonce : messageNonce(sub.channelId, date, ids)), false],
		[fresh, (_: number, ids: string[]) => messageNonce(sub.channelId, date, ids), true],
	] as const) {
		if (group.length === 0) continue;
		const lead = first ? 'digest' : isFresh && opts.added && delivered.size > 0 ? 'added' : undefined;
		const rendered = renderDigest(sub.format, date, asOf(group, date), {
			locale: opts.locale ?? 'ko',
			header: lead !== undefined,
			...(lead === 'added' ? { added: true } : {}),
			...(first && sub.mentionRoleId ? { roleId: sub.mentionRoleId } : {}),
			...(opts.week ? { week: opts.week } : {}),
		});
		first = false;
		let rank = 1;
		for (const [i, { body, paperIds }] of rendered.entries()) {
			const nonce = nonceOf(i, paperIds);
			const view: MessageView = {
				format: sub.format === 'compact' ? 'compact' : 'cards',
				hash: bodyHash(body),
				...(i === 0 && lead ? { lead } : {}),
				count: group.length,
				rank,
			};
			rank += paperIds.length;
			planned.push({ nonce, paperIds, body: { ...body, nonce, enforce_nonce: true }, view });
		}
	}
	return planned;
}

/**
 * Which digest dates a subscription still has to consider, oldest first: after its start,
 * within the catch-up window ending today (its local day). Missed digests older than the
 * window — after the last one delivered, so each is reported only until delivery moves on —
 * are returned separately for the log.
 */
export function candidateDates(opts: {
	dates: readonly string[];
	startAfterDate: string | null;
	lastDeliveredDate?: string | null;
	today: string;
	catchUpDays: number;
}): { due: string[]; tooOld: string[] } {
	const oldest = addDays(opts.today, -opts.catchUpDays);
	const due: string[] = [];
	const tooOld: string[] = [];
	// Filter first, sort what is left: a ten-year archive has thousands of dates, a window a few.
	for (const date of opts.dates) {
		if (opts.startAfterDate !== null && date <= opts.startAfterDate) continue;
		if (date >= oldest) due.push(date);
		else if (!opts.lastDeliveredDate || date > opts.lastDeliveredDate) tooOld.push(date);
	}
	return { due: due.sort(), tooOld: tooOld.sort() };
}
