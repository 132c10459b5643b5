import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scanTrigger } from '../src/source/scan-trigger.ts';

/** A scan the test finishes by hand, reporting a settle deadline or none. */
function controlledScans() {
	const pending: Array<(settleAt?: number) => void> = [];
	let runs = 0;
	return {
		scan: () =>
			new Promise<number | undefined>((resolve) => {
				runs++;
				pending.push(resolve);
			}),
		finish: (settleAt?: number) => pending.shift()?.(settleAt),
		runs: () => runs,
	};
}

describe('scanTrigger', () => {
	beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => vi.useRealTimers());

	it('triggers during a scan give exactly one more scan after it', async () => {
		const s = controlledScans();
		const t = scanTrigger({ scan: s.scan, onError: () => undefined, maxDelayMs: 60_000 });
		t.trigger();
		t.trigger();
		t.trigger();
		t.trigger();
		expect(s.runs()).toBe(1);
		s.finish();
		await vi.advanceTimersByTimeAsync(0);
		expect(s.runs()).toBe(2);
		s.finish();
		await t.idle();
		await vi.advanceTimersByTimeAsync(60_000);
		expect(s.runs()).toBe(2);
	});

	it('a scan that met a file still being written scans again at its settle deadline, not before', async () => {
		const s = controlledScans();
		const t = scanTrigger({ scan: s.scan, onError: () => undefined, maxDelayMs: 3_600_000 });
		t.trigger();
		s.finish(Date.now() + 2000);
		await t.idle();
		await vi.advanceTimersByTimeAsync(1900);
		expect(s.runs()).toBe(1);
		await vi.advanceTimersByTimeAsync(200);
		expect(s.runs()).toBe(2);
		// Written to again meanwhile: one more follow-up, at the new deadline.
		s.finish(Date.now() + 1000);
		await t.idle();
		await vi.advanceTimersByTimeAsync(1100);
		expect(s.runs()).toBe(3);
		s.finish();
		await t.idle();
		await vi.advanceTimersByTimeAsync(3_600_000);
		expect(s.runs()).toBe(3);
	});

	it('keeps the earliest of two deadlines, and none is further off than maxDelayMs', async () => {
		const s = controlledScans();
		const t = scanTrigger({ scan: s.scan, onError: () => undefined, maxDelayMs: 5000 });
		t.trigger();
		s.finish(Date.now() + 60_000); // a clock ahead on the producer's side
		await t.idle();
		t.trigger();
		s.finish(Date.now() + 3000);
		await t.idle();
		await vi.advanceTimersByTimeAsync(3100);
		expect(s.runs()).toBe(3);
	});

	it('a failed scan is reported, and the next trigger scans again', async () => {
		const errors: unknown[] = [];
		let runs = 0;
		const t = scanTrigger({
			scan: async () => {
				runs++;
				if (runs === 1) throw new Error('disk gone');
				return undefined;
			},
			onError: (err) => errors.push(err),
			maxDelayMs: 60_000,
		});
		t.trigger();
		await t.idle();
		expect(errors).toHaveLength(1);
		t.trigger();
		await t.idle();
		expect(runs).toBe(2);
	});

	it('after stop() nothing scans: neither a trigger nor a follow-up', async () => {
		const s = controlledScans();
		const t = scanTrigger({ scan: s.scan, onError: () => undefined, maxDelayMs: 60_000 });
		t.trigger();
		s.finish(Date.now() + 1000);
		await t.idle();
		t.stop();
		t.trigger();
		await vi.advanceTimersByTimeAsync(60_000);
		expect(s.runs()).toBe(1);
	});
});
