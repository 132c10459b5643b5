import { createHash } from 'node:crypto';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Locale } from '../i18n.ts';
import { compactMessages } from '../render/compact.ts';
import { digestLead, type MessageBody } from '../render/embed.ts';
import { renderDigest } from '../render/formats.ts';
import type { LedgerEntry, MessageView } from '../store/schema.ts';

/**
 * The papers as a digest of `date` shows them: the days they appeared on up to that one. A card
 * lists those days, and a paper that comes back on a later day must not change, and so edit, the
 * earlier digest's card.
 */
export function asOf(papers: readonly ArchivedPaper[], date: string): ArchivedPaper[] {
	return papers.map((p) =>
		p.dates.every((d) => d <= date) && p.date <= date ? p : { ...p, date: p.date <= date ? p.date : date, dates: p.dates.filter((d) => d <= date) },
	);
}

/** Of what a member sees: a change in any of these is worth an edit, nothing else is. */
export function bodyHash(body: Pick<MessageBody, 'content' | 'embeds' | 'components'>): string {
	const seen = { content: body.content ?? '', embeds: body.embeds, components: body.components ?? [] };
	return createHash('sha256').update(JSON.stringify(seen)).digest('base64url').slice(0, 32);
}

/** The digest a message belongs to, as it reads now. */
export interface RedrawContext {
	date: string;
	locale: Locale;
	/** The subscription's role: only a message with the digest's own header carried it. */
	roleId?: string;
	week?: { from: string; to: string };
}

/**
 * A posted message drawn again from the digest as it reads now: the same papers, numbering and
 * header, with today's votes and titles. A paper the rewrite no longer lists (it fell out of the
 * producer's top ten) leaves the message, as it left the digest; it is not posted again if it
 * comes back. Null when nothing of it is left, or it no longer fits in one message: it stays as it is.
 */
export function redraw(
	entry: Pick<LedgerEntry, 'paperIds'> & { view: MessageView },
	papers: ReadonlyMap<string, ArchivedPaper>,
	ctx: RedrawContext,
): MessageBody | null {
	const { view } = entry;
	const ids = view.shows ?? entry.paperIds;
	const own = ids.flatMap((id) => papers.get(id) ?? []);
	if (own.length === 0 && ids.length > 0) return null;
	const opts = {
		locale: ctx.locale,
		header: view.lead !== undefined,
		count: view.count,
		...(view.lead === 'added' ? { added: true } : {}),
		...(view.lead === 'digest' && ctx.roleId ? { roleId: ctx.roleId } : {}),
		...(ctx.week ? { week: ctx.week } : {}),
	};
	if (view.format === 'head') {
		const lead = digestLead(ctx.date, view.count, opts);
		return { content: lead.content ?? ctx.date, embeds: [], allowed_mentions: lead.allowed_mentions };
	}
	const drawn = view.format === 'compact' ? compactMessages(ctx.date, own, { ...opts, firstRank: view.rank }) : renderDigest('cards', ctx.date, own, opts);
	const [only, ...more] = drawn;
	if (!only || more.length > 0) return null;
	if (only.paperIds.join() !== own.map((p) => p.id).join()) return null;
	return only.body;
}

interface Drawings {
	/** Null when the message cannot be drawn as one any more (see {@link redraw}). */
	draw(paperIds: readonly string[], view: MessageView): { body: MessageBody; hash: string } | null;
}

// Per digest (the archive hands out the same papers until it changes) and per way of drawing.
const drawings = new WeakMap<readonly ArchivedPaper[], Map<string, Drawings>>();

/**
 * The messages of one digest as they draw now, each drawn once however many channels posted
 * it: every delivery run asks after every posted message of the last days, and thousands of
 * channels hold the same ones.
 */
function drawingsOf(papers: readonly ArchivedPaper[], ctx: RedrawContext): Drawings {
	let byCtx = drawings.get(papers);
	if (!byCtx) drawings.set(papers, (byCtx = new Map()));
	const ctxKey = `${ctx.date}|${ctx.locale}|${ctx.roleId ?? ''}|${ctx.week ? `${ctx.week.from}|${ctx.week.to}` : ''}`;
	let found = byCtx.get(ctxKey);
	if (!found) {
		let byId: Map<string, ArchivedPaper> | undefined;
		const seen = new Map<string, { body: MessageBody; hash: string } | null>();
		found = {
			draw(paperIds, view) {
				const key = `${view.format}|${view.lead ?? ''}|${view.count}|${view.rank}|${(view.shows ?? paperIds).join(',')}`;
				if (seen.has(key)) return seen.get(key) ?? null;
				byId ??= new Map(asOf(papers, ctx.date).map((p) => [p.id, p]));
				const body = redraw({ paperIds: [...paperIds], view }, byId, ctx);
				const out = body ? { body, hash: bodyHash(body) } : null;
				seen.set(key, out);
				return out;
			},
		};
		byCtx.set(ctxKey, found);
	}
	return found;
}

/** One message to bring up to date: where it is, what it shows now, and its new view. */
export interface PlannedEdit {
	key: string;
	messageId: string;
	target: string;
	body: MessageBody;
	view: MessageView;
}

/**
 * The posted messages of one digest whose body would change if drawn again now, within the edit
 * window counted from the digest's first post in the channel. Messages without a view (posted
 * before edits existed), set aside (id 0) or deleted by a moderator are left alone.
 */
export function planEdits(opts: {
	channelId: string;
	entries: ReadonlyMap<string, LedgerEntry>;
	papers: readonly ArchivedPaper[];
	ctx: RedrawContext;
	now: Date;
	windowMs: number;
}): PlannedEdit[] {
	let first = Infinity;
	for (const e of opts.entries.values()) first = Math.min(first, Date.parse(e.at));
	if (!(opts.now.getTime() - first < opts.windowMs)) return [];
	const drawn = drawingsOf(opts.papers, opts.ctx);
	const edits: PlannedEdit[] = [];
	for (const [key, entry] of opts.entries) {
		const { view } = entry;
		if (!view || view.deleted || entry.messageId === '0') continue;
		const now = drawn.draw(entry.paperIds, view);
		if (!now || now.hash === view.hash) continue;
		const { body, hash } = now;
		// An edit never pings: the mention of the first post already did, once.
		const { nonce: _nonce, enforce_nonce: _enforce, ...rest } = body;
		edits.push({
			key,
			messageId: entry.messageId,
			target: view.target ?? opts.channelId,
			body: { ...rest, allowed_mentions: { parse: [] } },
			view: { ...view, hash },
		});
	}
	return edits.sort((a, b) => (BigInt(a.messageId) < BigInt(b.messageId) ? -1 : 1));
}
