import { nextFire, type WakeRule } from '../time/next-fire.ts';

interface Wake {
	readonly key: string;
	rule: WakeRule;
	zone: string;
	/** The next fire, epoch ms on the timer's clock. */
	at: number;
	/** Position in the heap. */
	i: number;
}

/**
 * Longest single wait. setTimeout fires at once past 2^31-1 ms (24.8 days), and a wait counts
 * monotonic time, not the wall clock: a stepped clock or a suspended host is noticed within
 * this much, not at the next fire.
 */
export const MAX_ARM_MS = 60_000;

export interface WakeTimerOptions {
	/** The clock fires are computed and judged on (epoch ms). */
	now: () => number;
	/** A fire at most this late still counts (node-cron's `missedExecutionTolerance`). */
	toleranceMs: number;
	/** Keys whose fire came, and how many fires were too late to count; must not throw. */
	onWake: (keys: string[], missed: number) => void;
}

/**
 * One timer for many wake-ups: the next fire of each key, in a binary min-heap by instant,
 * with a single setTimeout armed for the earliest. Each fire is judged the way a node-cron
 * task judges its own (on time within the tolerance and before the fire after it, else
 * missed), then the key's next fire is computed in its zone.
 */
export class WakeTimer {
	private readonly heap: Wake[] = [];
	private readonly byKey = new Map<string, Wake>();
	private timer: NodeJS.Timeout | undefined;
	private armedFor: number | undefined;
	private armedDelay: number | null = null;

	constructor(private readonly opts: WakeTimerOptions) {}

	get size(): number {
		return this.heap.length;
	}

	/** (Re)places `key`'s wake-up; unchanged when its rule and zone are. Set many with `arm: false`, then `arm()` once. */
	set(key: string, rule: WakeRule, zone: string, arm = true): void {
		const existing = this.byKey.get(key);
		if (existing && existing.rule === rule && existing.zone === zone) return;
		const at = nextFire(rule, zone, this.opts.now());
		if (existing) {
			existing.rule = rule;
			existing.zone = zone;
			this.move(existing, at);
		} else {
			const wake: Wake = { key, rule, zone, at, i: this.heap.length };
			this.heap.push(wake);
			this.byKey.set(key, wake);
			this.up(wake.i);
		}
		if (arm) this.arm();
	}

	next(key: string): number | null {
		return this.byKey.get(key)?.at ?? null;
	}

	keys(): IterableIterator<string> {
		return this.byKey.keys();
	}

	delete(key: string): void {
		const wake = this.byKey.get(key);
		if (!wake) return;
		this.byKey.delete(key);
		const last = this.heap.pop() as Wake;
		if (last !== wake) {
			this.heap[wake.i] = last;
			last.i = wake.i;
			this.down(this.up(last.i));
		}
		if (wake.i === 0) this.arm();
	}

	clear(): void {
		this.heap.length = 0;
		this.byKey.clear();
		this.disarm();
	}

	/** The wait now armed (tests). */
	armedMs(): number | null {
		return this.armedDelay;
	}

	/** Arms the one timer for the earliest fire, unless it already is. */
	arm(): void {
		const first = this.heap[0];
		if (!first) return this.disarm();
		if (this.timer && this.armedFor === first.at) return;
		this.disarm();
		const delay = Math.min(Math.max(first.at - this.opts.now(), 0), MAX_ARM_MS);
		this.armedFor = first.at;
		this.armedDelay = delay;
		this.timer = setTimeout(() => this.fire(), delay);
		this.timer.unref();
	}

	private disarm(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.armedFor = undefined;
		this.armedDelay = null;
	}

	private fire(): void {
		this.timer = undefined;
		const now = this.opts.now();
		const { toleranceMs } = this.opts;
		const next = sharedNext();
		const due: string[] = [];
		let missed = 0;
		for (let first = this.heap[0]; first && first.at <= now; first = this.heap[0]) {
			const { rule, zone } = first;
			let slot = first.at;
			let lost = false;
			while (slot <= now) {
				if (now - slot > toleranceMs) {
					// Every fire before now - tolerance is missed: jump past them instead of stepping through.
					lost = true;
					slot = next(rule, zone, Math.max(slot, now - toleranceMs - 1));
					continue;
				}
				const after = next(rule, zone, slot);
				if (now - slot < after - slot) {
					due.push(first.key);
					lost = false;
					slot = after;
					break;
				}
				lost = true;
				slot = after;
			}
			if (lost) missed++;
			this.move(first, slot > now ? slot : next(rule, zone, now));
		}
		this.arm();
		if (due.length > 0 || missed > 0) this.opts.onWake(due, missed);
	}

	private move(wake: Wake, at: number): void {
		const earlier = at < wake.at;
		wake.at = at;
		if (earlier) this.up(wake.i);
		else this.down(wake.i);
	}

	private up(i: number): number {
		const h = this.heap;
		const wake = h[i] as Wake;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			const p = h[parent] as Wake;
			if (p.at <= wake.at) break;
			h[i] = p;
			p.i = i;
			i = parent;
		}
		h[i] = wake;
		wake.i = i;
		return i;
	}

	private down(i: number): void {
		const h = this.heap;
		const wake = h[i] as Wake;
		for (;;) {
			const l = 2 * i + 1;
			if (l >= h.length) break;
			const r = l + 1;
			const c = r < h.length && (h[r] as Wake).at < (h[l] as Wake).at ? r : l;
			const child = h[c] as Wake;
			if (child.at >= wake.at) break;
			h[i] = child;
			child.i = i;
			i = c;
		}
		h[i] = wake;
		wake.i = i;
	}
}

/**
 * {@link nextFire} for one wake-up of many: channels due at one minute mostly share a time and
 * a zone, and the next fire after any instant in [from, at) is `at` again.
 */
function sharedNext(): (rule: WakeRule, zone: string, after: number) => number {
	const known = new Map<WakeRule, Map<string, { from: number; at: number }>>();
	return (rule, zone, after) => {
		let zones = known.get(rule);
		if (!zones) known.set(rule, (zones = new Map()));
		const hit = zones.get(zone);
		if (hit && hit.from <= after && after < hit.at) return hit.at;
		const at = nextFire(rule, zone, after);
		zones.set(zone, { from: after, at });
		return at;
	};
}
