// One formatter per zone: building Intl formatters dominates when thousands of subscriptions tick.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-CA', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** The wall-clock day and minute of `now` in `timeZone` (daylight saving included, via Intl). */
export function localTime(now: Date, timeZone: string): { date: string; minutes: number } {
	const parts = Object.fromEntries(
		formatter(timeZone)
			.formatToParts(now)
			.map((p) => [p.type, p.value]),
	);
	return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

export function minutesOf(time: string): number {
	const [h = '0', m = '0'] = time.split(':');
	return Number(h) * 60 + Number(m);
}

/**
 * A subscription is open once today's delivery time has passed in its zone: then every pending
 * digest goes out, including one that lands later in the day. Before it, nothing does.
 */
export function isOpen(sub: { time: string; timezone: string }, now: Date): boolean {
	return localTime(now, sub.timezone).minutes >= minutesOf(sub.time);
}

/** node-cron pattern that fires daily at `HH:MM` (the zone is a task option). */
export function dailyCron(time: string): string {
	const [h = '0', m = '0'] = time.split(':');
	return `${Number(m)} ${Number(h)} * * *`;
}

/** node-cron pattern for a subscription: daily at its time, or on its weekday for a weekly roll-up. */
export function subscriptionCron(sub: { time: string; cadence?: 'daily' | 'weekly' | undefined; weekday?: number | undefined }): string {
	const daily = dailyCron(sub.time);
	// cron counts Sunday as 0, ISO as 7.
	return sub.cadence === 'weekly' ? `${daily.slice(0, -1)}${(sub.weekday ?? 1) % 7}` : daily;
}

// Day arithmetic belongs with the calendar helpers; the delivery tests still reach it through the clock.
export { addDays } from './dates.ts';
