import { ChannelType, DiscordAPIError, Routes, type APIChannel, type APIMessage, type REST } from 'discord.js';
import type { ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import { compactMessages } from '../render/compact.ts';
import { digestMessages, type MessageBody } from '../render/embed.ts';
import type { Ledger } from '../store/store.ts';
import type { MessageView, Subscription } from '../store/schema.ts';
import { classifyFailure, SendFailed } from './failures.ts';
import { messageNonce } from './plan.ts';
import { bodyHash } from './redraw.ts';
import type { DuePost } from './rollup.ts';

const THREAD_ARCHIVE_MINUTES = 1440;
const THREAD_ALREADY_CREATED = 160004;

export interface ThreadDeps {
	ledger: Ledger;
	rest: REST;
}

async function postMessage(rest: REST, channelId: string, body: MessageBody): Promise<APIMessage> {
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
export async function ensureThread(sub: Subscription, post: DuePost, papers: readonly ArchivedPaper[], locale: Locale, deps: ThreadDeps): Promise<string> {
	const { date, week } = post;
	const known = await deps.ledger.getThread(sub.channelId, date);
	if (known) return known;
	const headerKey = messageNonce(sub.channelId, date, [], 'header');
	const ledger = await deps.ledger.sent(sub.channelId, date);
	let headerId = ledger.get(headerKey)?.messageId;
	const roleId = sub.mentionRoleId ? { roleId: sub.mentionRoleId } : {};
	// Cards: the renderer's own header line (and mention), without the embeds that go in the thread.
	// Compact: the whole index with its menus, in as many messages as it takes, the thread under the first.
	const heads: Array<{ head: MessageBody; shows?: string[] }> =
		sub.format === 'compact'
			? compactMessages(date, papers, { locale, header: true, ...roleId, ...(week ? { week } : {}) }).map((m) => ({ head: m.body, shows: m.paperIds }))
			: digestMessages(date, papers, { locale, header: true, ...roleId, ...(week ? { week } : {}) })
					.slice(0, 1)
					.map((first) => ({ head: { content: first.content ?? date, embeds: [], allowed_mentions: first.allowed_mentions } }));
	let rank = 1;
	for (const [i, { head, shows }] of heads.entries()) {
		const key = i === 0 ? headerKey : messageNonce(sub.channelId, date, [], `index:${i}`);
		// The index lists the papers the thread holds: drawn again when their votes change.
		const view: MessageView = {
			format: shows ? 'compact' : 'head',
			hash: bodyHash(head),
			...(i === 0 ? { lead: 'digest' as const } : {}),
			count: papers.length,
			rank,
			...(shows ? { shows } : {}),
		};
		rank += shows?.length ?? 0;
		if (ledger.has(key)) continue;
		const body: MessageBody = { ...head, nonce: key, enforce_nonce: true };
		const id = (await postMessage(deps.rest, sub.channelId, body)).id;
		await deps.ledger.recordDelivered(sub.channelId, date, key, { messageId: id, paperIds: [], view });
		if (i === 0) headerId = id;
	}
	if (!headerId) throw new Error('thread header was neither recorded nor posted');
	try {
		const thread = (await deps.rest.post(Routes.threads(sub.channelId, headerId), {
			body: {
				name: week ? t(locale, 'digest.weeklyThread', week) : t(locale, 'digest.thread', { date }),
				auto_archive_duration: THREAD_ARCHIVE_MINUTES,
				type: ChannelType.PublicThread,
			},
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
