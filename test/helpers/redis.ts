import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';

/**
 * Decides whether Redis-backed tests run. Reachable → run, each test file in its own namespace
 * (cleaned up afterwards). Unreachable → skip with a message, unless PAPERBOY_REQUIRE_REDIS=1
 * (CI), where a missing Redis fails the file instead of silently skipping half the suite.
 */
export const REDIS_URL = process.env.PAPERBOY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REDIS_REQUIRED = process.env.PAPERBOY_REQUIRE_REDIS === '1';

async function connect() {
	const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
	client.on('error', () => undefined); // connect() rejects with the same error; the event must not crash the worker
	await client.connect();
	return client;
}

async function probe(): Promise<string | null> {
	try {
		const client = await connect();
		await client.ping();
		await client.close();
		return null;
	} catch (error) {
		return (error as Error).message || String(error);
	}
}

const problem = await probe();

/** True when Redis tests should run. */
export const redisAvailable = problem === null;

if (problem !== null) {
	const message = `Redis at ${REDIS_URL} is unreachable (${problem})`;
	if (REDIS_REQUIRED) throw new Error(`${message}, and PAPERBOY_REQUIRE_REDIS=1 requires it`);
	console.warn(`[redis] ${message}: skipping Redis store tests (set PAPERBOY_REQUIRE_REDIS=1 to fail instead)`);
}

/** A namespace no other test file or run uses. */
export function uniqueRedisNamespace(label: string): string {
	return `test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key of a namespace (keyv-redis keys are `<namespace>::<key>`). */
export async function cleanupRedisNamespace(namespace: string): Promise<number> {
	const client = await connect();
	try {
		let deleted = 0;
		for await (const batch of client.scanIterator({ MATCH: `${namespace}::*`, COUNT: 1000 })) {
			if (batch.length > 0) deleted += await client.del(batch);
		}
		return deleted;
	} finally {
		await client.close();
	}
}

/** Milliseconds until a key expires (-1 none, -2 missing), to check a TTL reached Redis itself. */
export async function redisPttl(namespace: string, key: string): Promise<number> {
	const client = await connect();
	try {
		return await client.pTTL(`${namespace}::${key}`);
	} finally {
		await client.close();
	}
}
