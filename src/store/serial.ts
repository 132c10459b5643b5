/**
 * Runs read-modify-write sections one at a time per key within this process. Across processes
 * a lease keeps writers apart: the store takes one around each change of a guild's index, and a
 * channel's ledger is written by whoever holds that channel's `tryLock` lease.
 */
export function createKeyedSerial() {
	const tails = new Map<string, Promise<unknown>>();
	return async function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
		const previous = tails.get(key) ?? Promise.resolve();
		const run = previous.then(fn, fn);
		const tail = run.catch(() => undefined);
		tails.set(key, tail);
		try {
			return await run;
		} finally {
			if (tails.get(key) === tail) tails.delete(key);
		}
	};
}
