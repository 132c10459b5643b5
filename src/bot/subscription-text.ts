import { t, type Locale } from '../i18n.ts';
import type { Subscription } from '../store/schema.ts';

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
		last: sub.lastDeliveredDate ?? t(locale, 'sub.never'),
		next: sub.paused ? '—' : formatNextRun(next, locale),
	});
	return sub.paused ? `${line}\n${t(locale, 'sub.pausedLine', { reason: sub.paused.reason })}` : line;
}
