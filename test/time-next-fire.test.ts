import fc from 'fast-check';
import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextFire, ruleOfCron, subscriptionRule } from '../src/time/next-fire.ts';

const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number) => new Date(ms).toISOString();
const daily = (time: string) => subscriptionRule({ time });

/** node-cron's own next fire after `after`: what the per-subscription tasks fired at. */
function cronNext(pattern: string, zone: string, after: number): number {
	vi.useFakeTimers({ toFake: ['Date'] });
	vi.setSystemTime(after);
	const task = cron.createTask(pattern, () => undefined, { timezone: zone });
	try {
		return task.getNextRuns(1)[0]!.getTime();
	} finally {
		void task.destroy();
		vi.useRealTimers();
	}
}

afterEach(() => vi.useRealTimers());

describe('nextFire: the next instant of a wall-clock time in a zone', () => {
	it('is today when the time is still ahead, tomorrow once it has passed, never the instant itself', () => {
		expect(iso(nextFire(daily('09:05'), 'Asia/Seoul', at('2026-03-10T00:00:00Z')))).toBe('2026-03-10T00:05:00.000Z');
		expect(iso(nextFire(daily('09:05'), 'Asia/Seoul', at('2026-03-10T00:05:00Z')))).toBe('2026-03-11T00:05:00.000Z');
		expect(iso(nextFire(daily('00:00'), 'UTC', at('2026-12-31T23:59:59.999Z')))).toBe('2027-01-01T00:00:00.000Z');
	});

	it('a weekly roll-up fires on its ISO weekday only (7 is Sunday)', () => {
		const sunday = subscriptionRule({ time: '08:00', cadence: 'weekly', weekday: 7 });
		expect(iso(nextFire(sunday, 'Europe/Paris', at('2026-03-10T12:00:00Z')))).toBe('2026-03-15T07:00:00.000Z');
		const monday = subscriptionRule({ time: '08:00', cadence: 'weekly', weekday: 1 });
		expect(iso(nextFire(monday, 'Europe/Paris', at('2026-03-15T12:00:00Z')))).toBe('2026-03-16T07:00:00.000Z');
	});

	it('skips the spring-forward day when the time falls in the gap, as node-cron does (the safety sweep delivers)', () => {
		// New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 never happens.
		const after = at('2026-03-07T12:00:00Z');
		expect(iso(nextFire(daily('02:30'), 'America/New_York', after))).toBe('2026-03-09T06:30:00.000Z');
		expect(cronNext('30 2 * * *', 'America/New_York', after)).toBe(at('2026-03-09T06:30:00Z'));
		// The hours on either side of the gap are untouched.
		expect(iso(nextFire(daily('03:00'), 'America/New_York', after))).toBe('2026-03-08T07:00:00.000Z');
		expect(iso(nextFire(daily('01:59'), 'America/New_York', after))).toBe('2026-03-08T06:59:00.000Z');
	});

	it('fires once in a fall-back overlap, on the pass node-cron picks', () => {
		// New York, 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): the first pass.
		const ny = nextFire(daily('01:30'), 'America/New_York', at('2026-10-31T12:00:00Z'));
		expect(iso(ny)).toBe('2026-11-01T05:30:00.000Z');
		expect(iso(nextFire(daily('01:30'), 'America/New_York', ny))).toBe('2026-11-02T06:30:00.000Z');
		// Started between the two passes: the second one is not a fire either.
		expect(iso(nextFire(daily('01:30'), 'America/New_York', at('2026-11-01T06:00:00Z')))).toBe('2026-11-02T06:30:00.000Z');
		// London, 2026-10-25: 01:30 happens at 00:30Z (BST) and 01:30Z (GMT): node-cron takes the second.
		expect(iso(nextFire(daily('01:30'), 'Europe/London', at('2026-10-24T12:00:00Z')))).toBe('2026-10-25T01:30:00.000Z');
		for (const [zone, after] of [
			['America/New_York', at('2026-10-31T12:00:00Z')],
			['America/New_York', at('2026-11-01T06:00:00Z')],
			['Europe/London', at('2026-10-24T12:00:00Z')],
		] as const) {
			expect(nextFire(daily('01:30'), zone, after)).toBe(cronNext('30 1 * * *', zone, after));
		}
	});

	it('agrees with node-cron for any time, zone and instant, across daylight-saving changes', () => {
		const zones = [
			'UTC',
			'Asia/Seoul',
			'America/New_York',
			'America/Santiago',
			'Europe/London',
			'Europe/Berlin',
			'Australia/Sydney',
			'Australia/Lord_Howe', // a half-hour change
			'Pacific/Chatham', // a 12:45 offset
			'Asia/Kolkata',
			'America/St_Johns',
			'Africa/Casablanca',
		];
		// Near the changes, where it matters: the weekends of March/April and October/November.
		const instants = fc.oneof(
			fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2031-01-01T00:00:00Z') }),
			fc
				.tuple(fc.integer({ min: 2025, max: 2030 }), fc.constantFrom(2, 3, 9, 10), fc.integer({ min: 0, max: 45 * 24 * 3600_000 }))
				.map(([y, m, ms]) => Date.UTC(y, m, 1) + ms),
		);
		fc.assert(
			fc.property(
				fc.constantFrom(...zones),
				fc.integer({ min: 0, max: 23 }),
				fc.constantFrom(0, 1, 15, 29, 30, 45, 59),
				fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
				instants,
				(zone, h, m, weekday, after) => {
					const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
					const sub = weekday === undefined ? { time } : { time, cadence: 'weekly' as const, weekday };
					const pattern = weekday === undefined ? `${m} ${h} * * *` : `${m} ${h} * * ${weekday % 7}`;
					expect(iso(nextFire(subscriptionRule(sub), zone, after))).toBe(iso(cronNext(pattern, zone, after)));
				},
			),
			{ numRuns: 400 },
		);
	});

	it('reads second-level and yearly patterns the way node-cron does', () => {
		const after = at('2026-03-10T11:59:00.400Z');
		expect(iso(nextFire(ruleOfCron('*/1 * * * * *'), 'UTC', after))).toBe('2026-03-10T11:59:01.000Z');
		expect(iso(nextFire(ruleOfCron('*/5 * * * * *'), 'Asia/Seoul', after))).toBe('2026-03-10T11:59:05.000Z');
		expect(iso(nextFire(ruleOfCron('0 0 1 1 *'), 'America/New_York', after))).toBe('2027-01-01T05:00:00.000Z');
		for (const p of ['*/1 * * * * *', '*/5 * * * * *', '0 0 1 1 *', '0 0 29 2 *', '0 30 2 * * *']) {
			expect(nextFire(ruleOfCron(p), 'America/New_York', after)).toBe(cronNext(p, 'America/New_York', after));
		}
		expect(() => ruleOfCron('0 0 L * *')).toThrow();
	});
});
