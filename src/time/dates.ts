import { z } from 'zod';

/** Calendar arithmetic on `YYYY-MM-DD` days, in UTC so that no zone's daylight saving can skip or repeat a day. */
export function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** The periods papers are ranked over: rolling windows that end on (and include) a chosen day, or all time. */
export const Period = z.enum(['day', 'week', 'month', 'year', 'all']);
export type Period = z.infer<typeof Period>;
export const PERIODS: readonly Period[] = Period.options;

const PERIOD_DAYS: Record<Exclude<Period, 'all'>, number> = { day: 1, week: 7, month: 30, year: 365 };

/** The first day of the `period` that ends on `end`, or null when the period has no start (all time). */
export function periodStart(period: Period, end: string): string | null {
	return period === 'all' ? null : addDays(end, 1 - PERIOD_DAYS[period]);
}

/** ISO weekday of a day: 1 for Monday through 7 for Sunday. */
export function isoWeekday(date: string): number {
	return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** ISO 8601 week of a day, `YYYY-Www`: the year is the one its Thursday falls in. */
export function isoWeek(date: string): string {
	const thursday = addDays(date, 4 - isoWeekday(date));
	const year = thursday.slice(0, 4);
	const week = Math.floor((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000 / 7) + 1;
	return `${year}-W${String(week).padStart(2, '0')}`;
}
