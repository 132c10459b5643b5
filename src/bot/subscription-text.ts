import { permissionList, t, type Locale } from '../i18n.ts';
import type { Paused, Subscription } from '../store/schema.ts';
import { quietSince } from '../source/stale.ts';

/** A Discord timestamp renders in each reader's own zone and language. */
export function formatNextRun(next: Date | null, locale: Locale): string {
	return next ? `<t:${Math.floor(next.getTime() / 1000)}:f>` : t(locale, 'sub.never');
}

export function describeSubscription(sub: Subscription, next: Date | null, locale: Locale): string {
	const filters = [
		sub.minVotes !== null ? t(locale, 'sub.filter.minVotes', { n: sub.minVotes }) : '',
		sub.top !== null ? t(locale, 'sub.filter.top', { n: sub.top }) : '',
		sub.mentionRoleId ? ` · <@&${sub.mentionRoleId}>` : '',
		sub.thread ? t(locale, 'sub.filter.thread') : '',
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
	return t(locale, 'pause.other', { reason: paused.reason });
}
