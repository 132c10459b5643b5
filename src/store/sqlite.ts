import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import type { Logger } from '../log.ts';
import { GENERATION_KEY, generationOf, keyvOptions, sqlitePath, StoreConnectError, type Backend } from './backend.ts';

type SqlQuery = (sql: string, ...params: unknown[]) => Promise<Array<Record<string, unknown>>>;

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

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

const NOT_WRITABLE = new Set(['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'EACCES', 'EPERM', 'EROFS']);

/** Why the store cannot be opened, as an operator can act on it: a file or folder the bot may not write is named as such. */
function openError(path: string, error: unknown): StoreConnectError {
	const code = (error as { code?: unknown }).code;
	const said = (error as Error).message;
	if (typeof code === 'string' && NOT_WRITABLE.has(code)) {
		const uid = process.getuid?.();
		return new StoreConnectError(
			`the SQLite store at ${path} is not writable by this process${uid === undefined ? '' : ` (uid ${uid})`}: ${said}. ` +
				`Make the file and its folder writable by the bot's user (SQLite also writes ${basename(path)}-wal and -shm beside it), or point STORE_URL elsewhere.`,
			{ cause: error },
		);
	}
	return new StoreConnectError(`cannot open SQLite store at ${path}: ${said}`, { cause: error });
}

async function identity(path: string): Promise<string | null> {
	try {
		const s = await stat(path);
		return `${s.dev}:${s.ino}`;
	} catch (error) {
		if ((error as { code?: unknown }).code === 'ENOENT') return null;
		throw error;
	}
}

export async function openSqlite(url: string, namespace: string, logger: Logger): Promise<Backend> {
	const path = sqlitePath(url);
	const inMemory = path === ':memory:';
	try {
		if (!inMemory) await mkdir(dirname(resolve(path)), { recursive: true });
	} catch (error) {
		throw openError(path, error);
	}
	const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
	// The adapter's query() waits on its connection promise; calling it at once gives that promise a handler.
	const query = adapter.query as SqlQuery;
	try {
		// WAL lets readers and the writer of several processes overlap; NORMAL sync is crash-safe in WAL
		// mode and only risks the last commits on power loss, which the Discord nonce covers for deliveries.
		await whenNotBusy(() => query('PRAGMA journal_mode=WAL'));
		await query('PRAGMA synchronous=NORMAL');
	} catch (error) {
		await adapter.close().catch(() => undefined);
		throw openError(path, error);
	}
	const keyv = new Keyv(adapter, keyvOptions(namespace, true));
	keyv.on('error', (error: unknown) => logger.debug({ err: error }, 'sqlite store error'));
	const table = adapter.opts.table ?? 'keyv';
	const full = (key: string) => `${namespace}:${key}`;
	let locksReady: Promise<unknown> | undefined;
	const locks = () => (locksReady ??= query('CREATE TABLE IF NOT EXISTS paperboy_locks(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires INTEGER NOT NULL)'));
	// The file this connection writes: once it is gone from its path (deleted, replaced), every write lands in an orphan.
	const opened = inMemory ? null : await identity(resolve(path));
	const generation = async (sql: string): Promise<number | null> => generationOf((await query(sql, full(GENERATION_KEY)))[0]?.value);

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
		async renew(key, token, ttlMs) {
			await locks();
			const now = Date.now();
			const rows = await query(
				'UPDATE paperboy_locks SET expires = ? WHERE key = ? AND token = ? AND expires > ? RETURNING token',
				now + ttlMs,
				full(key),
				token,
				now,
			);
			return rows.length === 1;
		},
		async release(key, token) {
			await locks();
			await query('DELETE FROM paperboy_locks WHERE key = ? AND token = ?', full(key), token);
		},
		async initGeneration() {
			try {
				const value = await generation(
					`INSERT INTO ${table}(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value`,
				);
				if (value === null) throw new Error('the generation counter did not read back');
				return value;
			} catch (error) {
				throw openError(path, error);
			}
		},
		bumpGeneration: () => generation(`UPDATE ${table} SET value = CAST(value AS INTEGER) + 1 WHERE key = ? RETURNING value`),
		readGeneration: () => generation(`SELECT value FROM ${table} WHERE key = ?`),
		async lostReason() {
			if (opened === null) return null;
			const now = await identity(resolve(path));
			if (now === null) return `the SQLite file ${path} was deleted`;
			if (now !== opened) return `the SQLite file ${path} was replaced by another file`;
			return null;
		},
		onReconnect() {},
		async rawSet(key, text) {
			await adapter.set(full(key), text);
		},
		async rawGet(key) {
			const value: unknown = await adapter.get(full(key));
			return typeof value === 'string' ? value : undefined;
		},
		async rawDelete(key) {
			await adapter.delete(full(key));
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
