import { Routes, type APIThreadChannel, type REST, type RESTGetAPIGuildThreadsResult } from 'discord.js';
import type { ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { digestLead } from '../render/embed.ts';
import type { Ledger } from '../store/store.ts';
import type { Subscription } from '../store/schema.ts';
import { classifyFailure, SendFailed } from './failures.ts';
import { messageNonce } from './plan.ts';
import type { DuePost } from './rollup.ts';

export interface ForumDeps {
	ledger: Ledger;
	rest: REST;
	logger: Logger;
	now: () => Date;
}

/** A forum subscription posts each digest as a post of its own, the papers inside it. */
export function isForumSubscription(sub: Pick<Subscription, 'channelKind'>): boolean {
	return sub.channelKind === 'forum';
}

/** The post's title: the digest's day (or week), as the channel's header names it. */
export function forumPostName(post: Pick<DuePost, 'date' | 'week'>, locale: Locale): string {
	return post.week ? t(locale, 'digest.weeklyThread', post.week) : t(locale, 'digest.thread', { date: post.date });
}

/**
 * The thread of a digest's forum post, created on first need. The post opens with the header
 * line (and the role mention); the papers follow inside it in the channel's format.
 *
 * Discord takes no nonce for a post's starter message, so the post is written down as pending
 * before it is created and its thread recorded at once after: a crash between the two leaves the
 * pending record, and the next run looks for the post among the guild's active threads (a new
 * post is active for days) instead of making a second one.
 */
export async function ensureForumPost(sub: Subscription, post: DuePost, papers: readonly ArchivedPaper[], locale: Locale, deps: ForumDeps): Promise<string> {
	const { date } = post;
	const known = await deps.ledger.getThread(sub.channelId, date);
	if (known) return known;
	const key = messageNonce(sub.channelId, date, [], 'forum-post');
	const name = forumPostName(post, locale);
	const pending = await deps.ledger.pending(sub.channelId, date);
	if (pending?.nonce === key) {
		const found = await findPost(sub, name, deps);
		if (found) {
			deps.logger.info({ guild: sub.guildId, channel: sub.channelId, date, thread: found }, 'found a forum post made before a crash; not posting it again');
			await record(sub, date, key, found, deps);
			return found;
		}
	}
	await deps.ledger.setPending(sub.channelId, date, { nonce: key, paperIds: [], at: deps.now().toISOString() });
	const lead = digestLead(date, papers.length, {
		locale,
		...(sub.mentionRoleId ? { roleId: sub.mentionRoleId } : {}),
		...(post.week ? { week: post.week } : {}),
	});
	let thread: APIThreadChannel;
	try {
		thread = (await deps.rest.post(Routes.threads(sub.channelId), {
			body: {
				name,
				// The forum's own archive setting applies: its admins chose it.
				message: { content: lead.content ?? name, allowed_mentions: lead.allowed_mentions },
				...(sub.forumTagId ? { applied_tags: [sub.forumTagId] } : {}),
			},
		})) as APIThreadChannel;
	} catch (err) {
		throw new SendFailed(classifyFailure(err));
	}
	await record(sub, date, key, thread.id, deps);
	return thread.id;
}

/** Thread first: once it is recorded no run makes another post, whatever happens next. */
async function record(sub: Subscription, date: string, key: string, threadId: string, deps: ForumDeps): Promise<void> {
	await deps.ledger.setThread(sub.channelId, date, threadId);
	// The starter is the thread's first message and shares its id; it holds no paper.
	await deps.ledger.recordDelivered(sub.channelId, date, key, { messageId: threadId, paperIds: [] });
}

async function findPost(sub: Subscription, name: string, deps: ForumDeps): Promise<string | null> {
	try {
		const active = (await deps.rest.get(Routes.guildActiveThreads(sub.guildId))) as RESTGetAPIGuildThreadsResult;
		return active.threads.find((c) => 'parent_id' in c && c.parent_id === sub.channelId && c.name === name)?.id ?? null;
	} catch (err) {
		// Not knowing is not a reason to stop: at worst the day gets a second post.
		deps.logger.warn({ err, guild: sub.guildId, channel: sub.channelId }, 'could not list active threads to find a forum post made before a crash');
		return null;
	}
}
