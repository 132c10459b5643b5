import cron from 'node-cron';
import { subscriptionCron } from './clock.ts';

/**
 * The wall-clock fields a wake-up matches in its zone, as a cron pattern's: every listed
 * second, minute and hour, on days matching the day of month, the month and the weekday
 * (Sunday 0) together.
 */
export interface WakeRule {
	readonly seconds: readonly number[];
	readonly minutes: readonly number[];
	readonly hours: readonly number[];
	readonly daysOfMonth: readonly number[];
	readonly months: readonly number[];
	readonly weekdays: readonly number[];
}

// Thousands of subscriptions share a few thousand patterns: one rule object each, compared by identity.
const rules = new Map<string, WakeRule>();

/** The rule of a cron pattern (node-cron's syntax, seconds optional). Day tokens such as `L` or `1#2` are refused. */
export function ruleOfCron(pattern: string): WakeRule {
	let rule = rules.get(pattern);
	if (rule) return rule;
	const f = cron.parse(pattern);
	const numbers = (values: readonly (number | string)[]) => {
		if (values.some((v) => typeof v !== 'number')) throw new Error(`unsupported cron day token in "${pattern}"`);
		return [...(values as number[])].sort((a, b) => a - b);
	};
	rule = {
		seconds: numbers(f.second),
		minutes: numbers(f.minute),
		hours: numbers(f.hour),
		daysOfMonth: numbers(f.dayOfMonth),
		months: numbers(f.month),
		weekdays: numbers(f.dayOfWeek).map((d) => d % 7),
	};
	rules.set(pattern, rule);
	return rule;
}

/** A subscription's wake-up: daily at its `HH:MM`, or weekly on its weekday. */
export function subscriptionRule(sub: { time: string; cadence?: 'daily' | 'weekly' | undefined; weekday?: number | undefined }): WakeRule {
	return ruleOfCron(subscriptionCron(sub));
}

/** A wall-clock date and time, month 1–12. */
export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(ms: number, zone: string): WallTime {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
			hourCycle: 'h23',
		});
		formatters.set(zone, f);
	}
	const p: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
	for (const { type, value } of f.formatToParts(ms)) if (type in p) p[type as keyof WallTime] = Number(value);
	return p;
}

const asUtc = (p: WallTime) => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);

/** Minutes the zone is ahead of UTC at `ms`. */
function offsetMinutes(ms: number, zone: string): number {
	const whole = Math.floor(ms / 1000) * 1000;
	return Math.round((asUtc(partsOf(whole, zone)) - whole) / 60_000);
}

const sameWallTime = (ms: number, p: WallTime, zone: string) => asUtc(partsOf(ms, zone)) === asUtc(p);

/**
 * The instant a wall-clock time names in a zone, resolved the way node-cron resolves it, so
 * that moving off it moves no delivery: the offset in force at the wall time read as UTC
 * wins when it reads back. In a fall-back overlap that is the earlier pass west of Greenwich
 * (New York's first 01:30) and the later one east of it (Sydney's second 02:30). In a
 * spring-forward gap nothing reads back and the later candidate is returned; its wall time
 * is not the one asked for, so {@link nextFire} skips the day (the safety sweep delivers).
 */
export function instantOf(p: WallTime, zone: string): number {
	return resolve(p, zone).ms;
}

/** `exact`: the instant's wall time is `p` (false only in a gap). */
function resolve(p: WallTime, zone: string): { ms: number; exact: boolean } {
	const guess = asUtc(p);
	const first = offsetMinutes(guess, zone);
	const candidate1 = guess - first * 60_000;
	const second = offsetMinutes(candidate1, zone);
	if (second === first) return { ms: candidate1, exact: true };
	const candidate2 = guess - second * 60_000;
	if (sameWallTime(candidate1, p, zone)) return { ms: candidate1, exact: true };
	if (sameWallTime(candidate2, p, zone)) return { ms: candidate2, exact: true };
	return { ms: Math.max(candidate1, candidate2), exact: false };
}

function matches(rule: WakeRule, p: WallTime): boolean {
	const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
	return (
		rule.seconds.includes(p.second) &&
		rule.minutes.includes(p.minute) &&
		rule.hours.includes(p.hour) &&
		rule.daysOfMonth.includes(p.day) &&
		rule.months.includes(p.month) &&
		rule.weekdays.includes(weekday)
	);
}

const MAX_DAYS = 366 * 8;

/**
 * The first instant after `after` (epoch ms) whose wall time in `zone` matches `rule`: what
 * node-cron's task would fire at next, computed without one. Whole seconds, like a cron fire.
 */
export function nextFire(rule: WakeRule, zone: string, after: number): number {
	const base = Math.floor(after / 1000) * 1000;
	const from = partsOf(base, zone);
	let { year, month, day } = from;
	for (let i = 0; i < MAX_DAYS; i++) {
		const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
		if (rule.months.includes(month) && rule.daysOfMonth.includes(day) && rule.weekdays.includes(weekday)) {
			const found = firstOnDay(rule, zone, { year, month, day, hour: 0, minute: 0, second: 0 }, i === 0 ? from : null, base);
			if (found !== null) return found;
		}
		const next = new Date(Date.UTC(year, month - 1, day + 1));
		({ year, month, day } = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() });
	}
	throw new Error(`no fire within ${MAX_DAYS} days`);
}

function firstOnDay(rule: WakeRule, zone: string, date: WallTime, lowerBound: WallTime | null, base: number): number | null {
	const floor = lowerBound ? lowerBound.hour * 3600 + lowerBound.minute * 60 + lowerBound.second : -1;
	for (const hour of rule.hours) {
		if (lowerBound && hour < lowerBound.hour) continue;
		for (const minute of rule.minutes) {
			for (const second of rule.seconds) {
				if (hour * 3600 + minute * 60 + second <= floor) continue;
				const { ms, exact } = resolve({ ...date, hour, minute, second }, zone);
				// node-cron checks the instant's own wall time against the pattern: a gap's stand-in rarely matches.
				if (ms > base && (exact || matches(rule, partsOf(ms, zone)))) return ms;
			}
		}
	}
	return null;
}
