import { permissionList, t, type Locale, type MessageKey } from '../i18n.ts';
import { inlineCode } from '../render/text.ts';
import type { Paused, Subscription } from '../store/schema.ts';
import { quietSince } from '../source/stale.ts';

/** A Discord timestamp renders in each reader's own zone and language. */
export function formatNextRun(next: Date | null, locale: Locale): string {
	return next ? `<t:${Math.floor(next.getTime() / 1000)}:f>` : t(locale, 'sub.never');
}

function weekdayName(weekday: number | undefined, locale: Locale): string {
	const n = weekday ?? 1;
	return t(locale, `weekday.${n >= 1 && n <= 7 ? n : 1}` as MessageKey);
}

function quotedTerms(terms: readonly string[]): string {
	return terms.map((term) => inlineCode(term, 40)).join(', ');
}

/** Names Discord knows and the record does not keep (a forum tag is stored by id). */
export interface OptionNames {
	tag?: string | undefined;
}

/** Every choice a subscription makes about what is posted, as one sentence for the confirmation. */
export function describeOptions(sub: Subscription, locale: Locale, names: OptionNames = {}): string {
	const parts = [t(locale, sub.format === 'compact' ? 'sub.option.compact' : 'sub.option.cards')];
	if (sub.channelKind === 'forum') parts.push(t(locale, 'sub.option.forum'));
	if (sub.forumTagId) parts.push(t(locale, 'sub.option.forumTag', { tag: inlineCode(names.tag ?? sub.forumTagId, 40) }));
	if (sub.cadence === 'weekly') parts.push(t(locale, 'sub.option.weekly', { day: weekdayName(sub.weekday, locale) }));
	if (sub.top !== null) parts.push(t(locale, 'sub.option.top', { n: sub.top }));
	if (sub.minVotes !== null) parts.push(t(locale, 'sub.option.minVotes', { n: sub.minVotes }));
	if (sub.include?.length) parts.push(t(locale, 'sub.option.include', { terms: quotedTerms(sub.include) }));
	if (sub.exclude?.length) parts.push(t(locale, 'sub.option.exclude', { terms: quotedTerms(sub.exclude) }));
	if (sub.top === null && sub.minVotes === null && !sub.include?.length && !sub.exclude?.length) parts.push(t(locale, 'sub.option.all'));
	if (sub.mentionRoleId) parts.push(t(locale, 'sub.option.mention', { role: `<@&${sub.mentionRoleId}>` }));
	if (sub.thread) parts.push(t(locale, 'sub.option.thread'));
	return t(locale, 'sub.confirmOptions', { options: parts.join(', ') });
}

export function describeSubscription(sub: Subscription, next: Date | null, locale: Locale): string {
	const filters = [
		sub.minVotes !== null ? t(locale, 'sub.filter.minVotes', { n: sub.minVotes }) : '',
		sub.top !== null ? t(locale, 'sub.filter.top', { n: sub.top }) : '',
		sub.mentionRoleId ? ` · <@&${sub.mentionRoleId}>` : '',
		sub.thread ? t(locale, 'sub.filter.thread') : '',
		sub.cadence === 'weekly' ? t(locale, 'sub.filter.weekly', { day: weekdayName(sub.weekday, locale) }) : '',
		sub.format === 'compact' ? t(locale, 'sub.filter.compact') : '',
		sub.channelKind === 'forum' ? t(locale, 'sub.filter.forum') : '',
		sub.include?.length ? t(locale, 'sub.filter.include', { terms: quotedTerms(sub.include) }) : '',
		sub.exclude?.length ? t(locale, 'sub.filter.exclude', { terms: quotedTerms(sub.exclude) }) : '',
	].join('');
	const line = t(locale, 'sub.line', {
		channel: `<#${sub.channelId}>`,
		time: sub.time,
		timezone: sub.timezone,
		filters,
		// A record from before posts were kept apart knows only the last digest it finished.
		last: (sub.lastPostedDate === undefined ? sub.lastDeliveredDate : sub.lastPostedDate) ?? t(locale, 'sub.never'),
		checked: sub.lastDeliveredDate ?? t(locale, 'sub.never'),
		next: sub.paused ? '—' : formatNextRun(next, locale),
	});
	return sub.paused ? `${line}\n${t(locale, 'sub.pausedLine', { reason: pauseReason(sub.paused, locale) })}` : line;
}

/** A warning when no new digest has arrived for `afterDays` (see quietSince), or null. */
export function quietNotice(latest: string | undefined, now: Date, afterDays: number, locale: Locale): string | null {
	const quiet = quietSince(latest, now, afterDays);
	return quiet ? t(locale, 'sub.quiet', { date: quiet.since, days: quiet.days }) : null;
}

/*
 * A pause is stored with Discord's code and an English reason (as logged); the reader sees it in
 * their own language, records written before this existed included. A reason Paperboy did not
 * write itself is Discord's own words and is quoted as they are.
 */
const NEEDS = /^Missing Permissions: the bot needs (.+) here$/;

export function pauseReason(paused: Pick<Paused, 'code' | 'reason'>, locale: Locale): string {
	if (paused.code === 50013) {
		if (paused.reason.includes('Discord removed the embeds')) return t(locale, 'pause.embedsRemoved');
		const needed = NEEDS.exec(paused.reason)?.[1];
		if (needed) return t(locale, 'pause.missingPermissions', { permissions: permissionList(locale, needed.split(/, | and /)) });
	}
	if (paused.code === 50001) return t(locale, 'pause.missingAccess');
	if (paused.code === 10003) return t(locale, 'pause.unknownChannel');
	if (paused.code === 40067) return t(locale, 'pause.tagRequired');
	return t(locale, 'pause.other', { reason: paused.reason });
}
