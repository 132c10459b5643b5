import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { Logger } from '../log.ts';
import { describeRedisUrl, GENERATION_KEY, generationOf, keyvOptions, StoreConnectError, type Backend } from './backend.ts';

function escapeGlob(text: string): string {
	return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
// Never creates the counter: after Redis lost it, a fresh 1 would read as "only rolled back" to the next writer.
const BUMP_SCRIPT = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incr', KEYS[1]) else return false end";

/** A write Redis refused at open, said as what the operator has to change. */
function writeRefused(where: string, error: unknown): StoreConnectError {
	const said = (error as Error).message;
	let why = `cannot write to Redis at ${where}: ${said}`;
	if (said.startsWith('NOPERM')) why = `Redis at ${where} does not let the user in STORE_URL write (${said}); give it write access to the bot's keys`;
	else if (said.startsWith('READONLY')) why = `Redis at ${where} is a read-only replica (${said}); point STORE_URL at the primary`;
	else if (said.startsWith('MISCONF')) why = `Redis at ${where} refuses writes because it cannot save to disk (${said}); fix its persistence first`;
	return new StoreConnectError(why, { cause: error });
}

export async function openRedis(url: string, namespace: string, logger: Logger, opts: { connectTimeoutMs?: number } = {}): Promise<Backend> {
	const where = describeRedisUrl(url);
	let connectedOnce = false;
	let closing = false;
	const reconnected: Array<() => void> = [];
	const client = createClient({
		url,
		// Shows up in CLIENT LIST, so an operator can tell the bot's connections apart.
		name: `paperboy:${namespace}`,
		// Fail commands at once while disconnected instead of queueing them without bound; callers retry on the next tick.
		disableOfflineQueue: true,
		socket: {
			connectTimeout: opts.connectTimeoutMs ?? 3000,
			reconnectStrategy: (retries: number, cause: Error) => {
				if (closing) return false;
				// The first connection fails fast so a wrong STORE_URL is a clear startup error; later drops retry forever.
				if (!connectedOnce) return cause;
				return Math.min(100 * 2 ** retries, 5000);
			},
		},
	});
	let lastLogged = '';
	let lastLoggedAt = 0;
	// node-redis emits 'error' on every failed reconnect; without a listener that event would crash the process.
	client.on('error', (error: Error) => {
		if (!connectedOnce) return;
		const now = Date.now();
		if (error.message === lastLogged && now - lastLoggedAt < 30_000) return;
		lastLogged = error.message;
		lastLoggedAt = now;
		logger.warn({ redis: where, error: error.message }, 'redis connection error; reconnecting');
	});
	client.on('ready', () => {
		if (!connectedOnce) return;
		logger.info({ redis: where }, 'redis connection ready');
		// A Redis that restarted may have come back empty or from an older snapshot.
		for (const listener of reconnected) listener();
	});
	try {
		await client.connect();
	} catch (error) {
		closing = true;
		if (client.isOpen) client.destroy();
		if (error instanceof StoreConnectError) throw error;
		throw new StoreConnectError(`cannot connect to Redis at ${where}: ${(error as Error).message}`, { cause: error });
	}
	connectedOnce = true;

	const adapter = new KeyvRedis(client as never, { namespace, throwOnErrors: true, throwOnConnectError: true });
	const keyv = new Keyv(adapter, keyvOptions(namespace, false));
	keyv.on('error', (error: unknown) => logger.debug({ err: error }, 'redis store error'));
	const full = (key: string) => adapter.createKeyPrefix(key, namespace);
	const fullPrefixLength = full('').length;
	const generationKey = full(GENERATION_KEY);

	return {
		kind: 'redis',
		keyv,
		async keysWithPrefix(prefix) {
			const keys: string[] = [];
			for await (const batch of client.scanIterator({ MATCH: `${escapeGlob(full(prefix))}*`, COUNT: 1000 })) {
				for (const key of batch) keys.push(String(key).slice(fullPrefixLength));
			}
			return keys;
		},
		async acquire(key, token, ttlMs) {
			const reply = await client.set(full(key), token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
			return reply === 'OK';
		},
		async renew(key, token, ttlMs) {
			return (await client.eval(RENEW_SCRIPT, { keys: [full(key)], arguments: [token, String(ttlMs)] })) === 1;
		},
		async release(key, token) {
			await client.eval(RELEASE_SCRIPT, { keys: [full(key)], arguments: [token] });
		},
		async initGeneration() {
			try {
				return await client.incr(generationKey);
			} catch (error) {
				closing = true;
				if (client.isOpen) client.destroy();
				throw writeRefused(where, error);
			}
		},
		async bumpGeneration() {
			return generationOf(await client.eval(BUMP_SCRIPT, { keys: [generationKey] }));
		},
		async readGeneration() {
			return generationOf(await client.get(generationKey));
		},
		async lostReason() {
			return null; // a Redis that lost its data is told by the generation counter being gone
		},
		onReconnect(listener) {
			reconnected.push(listener);
		},
		async rawSet(key, text) {
			await client.set(full(key), text);
		},
		async rawGet(key) {
			const value = await client.get(full(key));
			return value ?? undefined;
		},
		async rawDelete(key) {
			await client.del(full(key));
		},
		async sweepExpired() {
			return 0; // Redis expires keys itself (keyv passes the ttl as PX).
		},
		async close() {
			closing = true;
			if (client.isOpen) await client.close();
		},
	};
}
