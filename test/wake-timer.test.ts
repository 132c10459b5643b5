import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ARM_MS, WakeTimer } from '../src/delivery/wake-timer.ts';
import { nextFire, ruleOfCron, subscriptionRule } from '../src/time/next-fire.ts';

const TOLERANCE = 10 * 60_000;
const at = (iso: string) => new Date(iso).getTime();

/** A clock that runs in real time from `start`; `jump` moves it. */
function clockFrom(start: string) {
	let offset = at(start) - Date.now();
	return { now: () => Date.now() + offset, jump: (ms: number) => (offset += ms) };
}

function timer(now: () => number) {
	const wakes: { keys: string[]; missed: number; at: number }[] = [];
	let notify = () => {};
	const t = new WakeTimer({
		now,
		toleranceMs: TOLERANCE,
		onWake: (keys, missed) => {
			wakes.push({ keys, missed, at: now() });
			notify();
		},
	});
	const woken = () => new Promise<void>((resolve) => (notify = resolve));
	return { t, wakes, woken };
}

let open: WakeTimer[] = [];
afterEach(() => {
	for (const t of open) t.clear();
	open = [];
});

describe('WakeTimer: one timer for every subscription', () => {
	it('wakes every key due at one instant together, at it, and moves each to its next fire', async () => {
		const clock = clockFrom('2026-03-10T02:59:59.700Z');
		const { t, wakes, woken } = timer(clock.now);
		open.push(t);
		const noon = subscriptionRule({ time: '12:00' });
		for (let i = 0; i < 500; i++) t.set(`g:${i}`, noon, 'Asia/Seoul', false); // 03:00Z
		t.set('other', noon, 'UTC', false);
		t.arm();
		expect(t.armedMs()).toBeLessThanOrEqual(300);
		const first = woken();
		await first;
		expect(wakes).toHaveLength(1);
		expect(wakes[0]?.keys).toHaveLength(500);
		expect(wakes[0]?.missed).toBe(0);
		expect(wakes[0]!.at).toBeGreaterThanOrEqual(at('2026-03-10T03:00:00Z'));
		expect(t.next('g:0')).toBe(at('2026-03-11T03:00:00Z'));
		expect(t.next('other')).toBe(at('2026-03-10T12:00:00Z'));
		// The one timer now waits for the next earliest, capped.
		expect(t.armedMs()).toBe(MAX_ARM_MS);
	});

	it('never arms past the cap, so a fire months away neither overflows setTimeout nor waits on a stale clock', () => {
		const clock = clockFrom('2026-03-10T00:00:00Z');
		const { t, wakes } = timer(clock.now);
		open.push(t);
		t.set('new-year', ruleOfCron('0 0 1 1 *'), 'UTC');
		expect(t.next('new-year')).toBe(at('2027-01-01T00:00:00Z'));
		expect(t.armedMs()).toBe(MAX_ARM_MS);
		expect(MAX_ARM_MS).toBeLessThan(2 ** 31 - 1);
		expect(wakes).toHaveLength(0);
	});

	it('a fire found late but within the tolerance still wakes; later than that it is counted missed', async () => {
		const clock = clockFrom('2026-03-10T11:59:59.800Z');
		const { t, wakes, woken } = timer(clock.now);
		open.push(t);
		t.set('a', subscriptionRule({ time: '12:00' }), 'UTC');
		clock.jump(9 * 60_000); // a stalled loop: found at 12:09
		await woken();
		expect(wakes[0]).toMatchObject({ keys: ['a'], missed: 0 });

		const late = clockFrom('2026-03-10T11:59:59.800Z');
		const second = timer(late.now);
		open.push(second.t);
		second.t.set('b', subscriptionRule({ time: '12:00' }), 'UTC');
		late.jump(11 * 60_000); // found at 12:11: past the tolerance
		await second.woken();
		expect(second.wakes[0]).toMatchObject({ keys: [], missed: 1 });
		expect(second.t.next('b')).toBe(at('2026-03-11T12:00:00Z'));
	});

	it('a second-level pattern fires every second without piling up', async () => {
		const clock = clockFrom('2026-03-10T11:59:00Z');
		const { t, wakes, woken } = timer(clock.now);
		open.push(t);
		t.set('s', ruleOfCron('*/1 * * * * *'), 'UTC');
		await woken();
		await woken();
		expect(wakes.map((w) => w.keys)).toEqual([['s'], ['s']]);
		expect(t.next('s')! - clock.now()).toBeLessThanOrEqual(1000);
	});

	it('a deleted key never wakes, an unchanged one keeps its fire, and clear disarms', () => {
		const clock = clockFrom('2026-03-10T00:00:00Z');
		const { t } = timer(clock.now);
		open.push(t);
		const rule = subscriptionRule({ time: '00:00' });
		t.set('a', rule, 'UTC');
		const before = t.next('a');
		t.set('a', rule, 'UTC');
		expect(t.next('a')).toBe(before);
		t.set('a', subscriptionRule({ time: '00:00' }), 'Asia/Seoul'); // moved zone: moved fire
		expect(t.next('a')).toBe(at('2026-03-10T15:00:00Z'));
		t.delete('a');
		expect(t.next('a')).toBeNull();
		expect(t.size).toBe(0);
		expect(t.armedMs()).toBeNull();
		t.set('b', rule, 'UTC');
		t.clear();
		expect(t.armedMs()).toBeNull();
	});

	it('always arms for the earliest fire, whatever was set, moved and deleted', () => {
		const start = at('2026-03-10T00:00:00Z');
		const zones = ['UTC', 'Asia/Seoul', 'America/New_York', 'Asia/Kolkata'];
		const op = fc.record({
			key: fc.integer({ min: 0, max: 30 }),
			del: fc.boolean(),
			minute: fc.integer({ min: 0, max: 59 }),
			zone: fc.constantFrom(...zones),
		});
		fc.assert(
			fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
				const t = new WakeTimer({ now: () => start, toleranceMs: TOLERANCE, onWake: () => undefined });
				const model = new Map<string, number>();
				for (const o of ops) {
					const k = String(o.key);
					if (o.del) {
						t.delete(k);
						model.delete(k);
					} else {
						const rule = ruleOfCron(`${o.minute} 0 * * *`);
						t.set(k, rule, o.zone);
						model.set(k, nextFire(rule, o.zone, start));
					}
				}
				for (const [k, v] of model) expect(t.next(k)).toBe(v);
				const earliest = Math.min(...model.values());
				expect(t.armedMs()).toBe(model.size === 0 ? null : Math.min(earliest - start, MAX_ARM_MS));
				t.clear();
			}),
			{ numRuns: 200 },
		);
	});
});
