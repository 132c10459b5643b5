/**
 * The demo's clock: it runs at real speed from a chosen moment, and jumps a day when a digest is
 * dropped, so a newcomer sees delivery at once instead of waiting for a subscription's time.
 */
export class DemoClock {
	private base: number;
	private since = Date.now();

	constructor(start: Date) {
		this.base = start.getTime();
	}

	now(): Date {
		return new Date(this.base + (Date.now() - this.since));
	}

	moveTo(at: Date): void {
		if (at.getTime() <= this.now().getTime()) return;
		this.base = at.getTime();
		this.since = Date.now();
	}
}
