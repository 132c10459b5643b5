import { createHash } from 'node:crypto';
import type { APIEmbed } from 'discord.js';
import { fitsTerm, paperText, termWords } from '../archive/topics.ts';
import type { ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import { paperListEmbed } from '../render/list.ts';
import { truncate } from '../render/text.ts';
import type { Follower } from '../store/members.ts';

/** One DM: a member's matches in one digest, whatever the number of their follows. */
export interface PlannedAlert {
	userId: string;
	locale: Locale;
	papers: ArchivedPaper[];
	/** The follows that matched, as typed. */
	queries: string[];
}

/** A DM lists at most this many papers; the rest are counted. */
export const ALERT_PAPERS_MAX = 20;

/** A digest's papers, each read once however many follows are matched against it. */
export interface DigestText {
	papers: readonly ArchivedPaper[];
}

export function digestText(papers: readonly ArchivedPaper[]): DigestText {
	// Read now, off the matching loop; a channel's topic filter reads the same cached text.
	for (const p of papers) paperText(p);
	return { papers };
}

/**
 * Papers matching a follow the way a channel's topic filter matches a term, and `/search` a
 * query: every word of it in the title, authors or summary; Hangul found inside compounds, with
 * or without the spaces Korean writers may put in them.
 */
export function followMatches(digest: DigestText, query: string): number[] {
	const [terms] = termWords([query]);
	if (!terms) return [];
	const out: number[] = [];
	digest.papers.forEach((p, i) => {
		if (fitsTerm(p, terms)) out.push(i);
	});
	return out;
}

/** Who gets a DM for the digest of `date`, and with what: follows made after that digest was the newest are left out. */
export function planAlerts(date: string, digest: DigestText, followers: readonly Follower[]): PlannedAlert[] {
	const plans: PlannedAlert[] = [];
	// Many members follow the same words: each query is matched once.
	const memo = new Map<string, number[]>();
	for (const f of followers) {
		const hits = new Set<number>();
		const queries: string[] = [];
		for (const follow of f.follows) {
			if (follow.startAfterDate !== null && follow.startAfterDate >= date) continue;
			const key = follow.query.toLowerCase();
			let found = memo.get(key);
			if (!found) memo.set(key, (found = followMatches(digest, follow.query)));
			if (found.length === 0) continue;
			queries.push(follow.query);
			for (const i of found) hits.add(i);
		}
		if (hits.size === 0) continue;
		// In the digest's own order (by votes), as the channel shows them.
		const papers = [...hits].sort((a, b) => a - b).map((i) => digest.papers[i] as ArchivedPaper);
		plans.push({ userId: f.userId, locale: f.locale ?? 'en-US', papers, queries });
	}
	return plans;
}

/** Deterministic per (member, digest), at most 25 characters, so a resend after a crash is deduplicated by Discord. */
export function alertNonce(userId: string, date: string): string {
	return `a${createHash('sha256').update(`${userId}:${date}`).digest('base64url').slice(0, 22)}`;
}

/** The DM: one compact list (title, votes, link), the follows that matched underneath. */
export function alertMessage(date: string, alert: PlannedAlert): { embeds: APIEmbed[] } {
	const shown = alert.papers.slice(0, ALERT_PAPERS_MAX);
	const more = alert.papers.length - shown.length;
	const footer = [t(alert.locale, 'alert.footer', { queries: alert.queries.join(', ') }), more > 0 ? t(alert.locale, 'alert.more', { count: more }) : '']
		.filter(Boolean)
		.join(' · ');
	return {
		embeds: [
			paperListEmbed({ title: t(alert.locale, 'alert.title', { date }), papers: shown, startRank: 1, footer: truncate(footer, 2048), locale: alert.locale }),
		],
	};
}
