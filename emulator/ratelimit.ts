export interface Window {
	limit: number;
	windowMs: number;
}

export interface BucketVerdict {
	allowed: boolean;
	limit: number;
	remaining: number;
	resetAt: number;
	/** Index of the fixed window the request fell in (0, 1, 2, …) — lets tests see spreading without wall clocks. */
	window: number;
}

interface BucketState {
	start: number;
	count: number;
	window: number;
}

/** Fixed windows that open at a bucket's first request, like Discord's per-route buckets appear to a client. */
export class FixedWindowLimiter {
	readonly #buckets = new Map<string, BucketState>();
	constructor(readonly spec: Window) {}

	take(key: string, now: number): BucketVerdict {
		let b = this.#buckets.get(key);
		if (!b) {
			b = { start: now, count: 0, window: 0 };
			this.#buckets.set(key, b);
		} else if (now >= b.start + this.spec.windowMs) {
			b.window += 1;
			b.start = now;
			b.count = 0;
		}
		const allowed = b.count < this.spec.limit;
		if (allowed) b.count += 1;
		return {
			allowed,
			limit: this.spec.limit,
			remaining: Math.max(0, this.spec.limit - b.count),
			resetAt: b.start + this.spec.windowMs,
			window: b.window,
		};
	}
}
