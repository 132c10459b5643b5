import { createClient } from '@keyv/redis';
import { RESP_TYPES } from '@redis/client';
import type { Store } from '../../src/store/store.ts';
import { storeRecords } from './store-records.ts';
import { REDIS_URL } from './redis.ts';

/** Every record of a store as it is now, to put back later: the store "restored from an older backup". */
export interface Snapshot {
	restore(): Promise<void>;
}

/** Through the store's raw access (SQLite, or Redis without TTLs): exact stored text, under the live connection. */
export async function rawSnapshot(store: Store): Promise<Snapshot> {
	const records = storeRecords(store);
	const saved = new Map<string, string>();
	for (const key of await records.keys('')) {
		const text = await records.get(key);
		if (text !== undefined) saved.set(key, text);
	}
	return {
		async restore() {
			for (const key of await records.keys('')) if (!saved.has(key)) await records.delete(key);
			for (const [key, text] of saved) await records.set(key, text);
		},
	};
}

/** A Redis namespace with DUMP / RESTORE, as a Redis restarted from an older RDB file would have it (TTLs kept). */
export async function redisSnapshot(namespace: string): Promise<Snapshot> {
	const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
	client.on('error', () => undefined);
	await client.connect();
	const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
	const saved = new Map<string, { dump: Buffer; ttl: number }>();
	try {
		for await (const batch of client.scanIterator({ MATCH: `${namespace}::*`, COUNT: 1000 })) {
			for (const key of batch) {
				const dump = (await binary.dump(key)) as Buffer | null;
				const ttl = await client.pTTL(key);
				if (dump) saved.set(key, { dump, ttl: ttl > 0 ? ttl : 0 });
			}
		}
	} finally {
		await client.close();
	}
	return {
		async restore() {
			const c = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
			c.on('error', () => undefined);
			await c.connect();
			try {
				for await (const batch of c.scanIterator({ MATCH: `${namespace}::*`, COUNT: 1000 })) {
					const extra = batch.filter((k) => !saved.has(k));
					if (extra.length > 0) await c.del(extra);
				}
				const b = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
				for (const [key, { dump, ttl }] of saved) await b.restore(key, ttl, dump, { REPLACE: true });
			} finally {
				await c.close();
			}
		},
	};
}
