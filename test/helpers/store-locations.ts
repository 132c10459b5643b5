import { afterEach } from 'vitest';
import type { Store, StoreOptions } from '../../src/store/store.ts';

/** Where a contract suite's stores live (a SQLite file, a Redis namespace), and how it is removed. */
export interface StoreLocation {
	open(opts?: StoreOptions): Promise<Store>;
	dispose(): Promise<void>;
}

/**
 * `open` for a contract suite run on one backend: each test's stores share one fresh location,
 * closed and removed after the test. Call it inside the suite's `describe`.
 */
export function storesAt(makeLocation: () => Promise<StoreLocation>): (opts?: StoreOptions) => Promise<Store> {
	let location: Promise<StoreLocation> | undefined;
	const opened: Store[] = [];
	afterEach(async () => {
		for (const store of opened.splice(0)) await store.close();
		await (await location)?.dispose();
		location = undefined;
	});
	return async (opts) => {
		location ??= makeLocation();
		const store = await (await location).open(opts);
		opened.push(store);
		return store;
	};
}
