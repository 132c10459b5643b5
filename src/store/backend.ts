import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import KeyvRedis, { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { Logger } from '../log.ts';

/**
 * The one place that knows SQLite from Redis: a Keyv instance plus the few things Keyv does
 * not offer (atomic locks, listing keys by prefix, writing raw bytes for corruption tests).
 */
export interface Backend {
	readonly kind: 'sqlite' | 'redis';
	readonly keyv: Keyv;
	/** Keys (below the namespace) that start with `prefix`. */
	keysWithPrefix(prefix: string): Promise<string[]>;
	/** Atomic "set if absent or expired"; true when this call took the lock. */
	acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
	/** Releases only if `token` still holds it (a lease that expired and was re-taken stays taken). */
	release(key: string, token: string): Promise<void>;
	/** Exact bytes as stored, bypassing Keyv's envelope. */
	rawSet(key: string, text: string): Promise<void>;
	rawGet(key: string): Promise<string | undefined>;
	/** Deletes expired records now; SQLite otherwise only drops them when read. Returns how many. */
	sweepExpired(prefix: string): Promise<number>;
	close(): Promise<void>;
}

export class StoreConnectError extends Error {
	constructor(message: string, options?: { cause: unknown }) {
		super(message, options);
		this.name = 'StoreConnectError';
	}
}

/** Keyv stores `{ value, expires }`; a record that no longer parses becomes this marker, so one bad row never fails a batch read. */
export class CorruptEnvelope {
	constructor(readonly message: string) {}
}

const serialize = (data: unknown): string => JSON.stringify(data);
const deserialize = (text: string): { value: unknown; expires?: number } => {
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed === null || typeof parsed !== 'object' || !('value' in parsed)) {
			return { value: new CorruptEnvelope('not a keyv record') };
		}
		const { value, expires } = parsed as { value: unknown; expires?: unknown };
		return typeof expires === 'number' ? { value, expires } : { value };
	} catch (error) {
		return { value: new CorruptEnvelope(`invalid JSON: ${(error as Error).message}`) };
	}
};

function keyvOptions(namespace: string, useKeyPrefix: boolean) {
	return {
		namespace,
		useKeyPrefix,
		// Without this keyv turns a failed read into "not found": a ledger that says "never delivered" while Redis is down would re-post.
		throwOnErrors: true,
		serialize: serialize as never,
		deserialize: deserialize as never,
	};
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function escapeGlob(text: string): string {
	return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

/** `sqlite://./var/x.sqlite` → `./var/x.sqlite`; `sqlite:///abs/x.sqlite` → `/abs/x.sqlite`. */
export function sqlitePath(url: string): string {
	const path = url.replace(/^sqlite:\/\//, '');
	if (!path) throw new StoreConnectError('STORE_URL sqlite:// needs a file path, e.g. sqlite://./var/paperboy.sqlite');
	return path;
}

type SqlQuery = (sql: string, ...params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Switching a fresh file to WAL needs it to itself for a moment, and SQLite answers SQLITE_BUSY
 * at once rather than waiting out busy_timeout when another process is creating the same file:
 * several processes (or a fleet's shards) opening one new store at the same time would fail.
 */
async function whenNotBusy<T>(run: () => Promise<T>, deadlineMs = 5_000): Promise<T> {
	const end = Date.now() + deadlineMs;
	for (let attempt = 1; ; attempt++) {
		try {
			return await run();
		} catch (error) {
			if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > end) throw error;
			await new Promise((r) => setTimeout(r, Math.min(100, 5 * attempt)));
		}
	}
}

export async function openSqlite(url: string, namespace: string, logger: Logger): Promise<Backend> {
	const path = sqlitePath(url);
	if (path !== ':memory:') await mkdir(dirname(resolve(path)), { recursive: true });
	const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
	// The adapter's query() waits on its connection promise; calling it at once gives that promise a handler.
	const query = adapter.query as SqlQuery;
	try {
		// WAL lets readers and the writer of several processes overlap; NORMAL sync is crash-safe in WAL
		// mode and only risks the last commits on power loss, which the Discord nonce covers for deliveries.
		await whenNotBusy(() => query('PRAGMA journal_mode=WAL'));
		await query('PRAGMA synchronous=NORMAL');
	} catch (error) {
		throw new StoreConnectError(`cannot open SQLite store at ${path}: ${(error as Error).message}`, { cause: error });
	}
	const keyv = new Keyv(adapter, keyvOptions(namespace, true));
	keyv.on('error', (error: unknown) => logger.debug({ err: error }, 'sqlite store error'));
	const table = adapter.opts.table ?? 'keyv';
	const full = (key: string) => `${namespace}:${key}`;
	let locksReady: Promise<unknown> | undefined;
	const locks = () => (locksReady ??= query('CREATE TABLE IF NOT EXISTS paperboy_locks(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires INTEGER NOT NULL)'));

	return {
		kind: 'sqlite',
		keyv,
		async keysWithPrefix(prefix) {
			const rows = await query(`SELECT key FROM ${table} WHERE key LIKE ? ESCAPE '\\'`, `${escapeLike(full(prefix))}%`);
			return rows.map((row) => String(row.key).slice(namespace.length + 1));
		},
		async acquire(key, token, ttlMs) {
			await locks();
			const now = Date.now();
			// One statement, so it is atomic across processes sharing the file: the upsert only fires on an expired lease.
			const rows = await query(
				`INSERT INTO paperboy_locks(key, token, expires) VALUES(?, ?, ?)
				ON CONFLICT(key) DO UPDATE SET token = excluded.token, expires = excluded.expires WHERE paperboy_locks.expires <= ?
				RETURNING token`,
				full(key),
				token,
				now + ttlMs,
				now,
			);
			return rows.length === 1 && rows[0]?.token === token;
		},
		async release(key, token) {
			await locks();
			await query('DELETE FROM paperboy_locks WHERE key = ? AND token = ?', full(key), token);
		},
		async rawSet(key, text) {
			await adapter.set(full(key), text);
		},
		async rawGet(key) {
			const value: unknown = await adapter.get(full(key));
			return typeof value === 'string' ? value : undefined;
		},
		async sweepExpired(prefix) {
			const rows = await query(
				`DELETE FROM ${table} WHERE key LIKE ? ESCAPE '\\' AND json_valid(value) AND json_extract(value, '$.expires') < ? RETURNING key`,
				`${escapeLike(full(prefix))}%`,
				Date.now(),
			);
			return rows.length;
		},
		async close() {
			await keyv.disconnect();
		},
	};
}

/** `redis://user:secret@host:6379/0` → `host:6379`, never the password. */
export function describeRedisUrl(url: string): string {
	try {
		const u = new URL(url);
		return `${u.hostname}:${u.port || '6379'}`;
	} catch {
		return 'an invalid Redis URL';
	}
}

const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export async function openRedis(url: string, namespace: string, logger: Logger, opts: { connectTimeoutMs?: number } = {}): Promise<Backend> {
	const where = describeRedisUrl(url);
	let connectedOnce = false;
	let closing = false;
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
		if (connectedOnce) logger.info({ redis: where }, 'redis connection ready');
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
		async release(key, token) {
			await client.eval(RELEASE_SCRIPT, { keys: [full(key)], arguments: [token] });
		},
		async rawSet(key, text) {
			await client.set(full(key), text);
		},
		async rawGet(key) {
			const value = await client.get(full(key));
			return value ?? undefined;
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

/** A per-instance lock token, so an instance only ever releases its own lease. */
export function newLockToken(): string {
	return `${process.pid}:${randomUUID()}`;
}
