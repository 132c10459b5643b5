import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';

/**
 * The one place that knows SQLite from Redis: a Keyv instance plus the few things Keyv does
 * not offer (atomic locks, listing keys by prefix, the generation counter, the file's identity,
 * writing raw bytes for corruption tests). The two implementations live in sqlite.ts and redis.ts.
 */
export interface Backend {
	readonly kind: 'sqlite' | 'redis';
	readonly keyv: Keyv;
	/** Keys (below the namespace) that start with `prefix`. */
	keysWithPrefix(prefix: string): Promise<string[]>;
	/** Atomic "set if absent or expired"; true when this call took the lock. */
	acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
	/** Extends the lease to `ttlMs` from now only if `token` still holds it unexpired; true when it did. */
	renew(key: string, token: string, ttlMs: number): Promise<boolean>;
	/** Releases only if `token` still holds it (a lease that expired and was re-taken stays taken). */
	release(key: string, token: string): Promise<void>;
	/**
	 * The generation counter, a plain integer under {@link GENERATION_KEY}: creates or increments it
	 * (the write that proves at open that the store takes writes) and returns the new value.
	 */
	initGeneration(): Promise<number>;
	/** Increments the counter if it exists and returns the new value; null when it is gone. */
	bumpGeneration(): Promise<number | null>;
	readGeneration(): Promise<number | null>;
	/** Why writes would be lost (the SQLite file deleted or replaced since open), or null. */
	lostReason(): Promise<string | null>;
	/** Calls `listener` each time a dropped connection is back (Redis; SQLite never drops). */
	onReconnect(listener: () => void): void;
	/** Exact bytes as stored, bypassing Keyv's envelope. */
	rawSet(key: string, text: string): Promise<void>;
	rawGet(key: string): Promise<string | undefined>;
	rawDelete(key: string): Promise<void>;
	/** Deletes expired records now; SQLite otherwise only drops them when read. Returns how many. */
	sweepExpired(prefix: string): Promise<number>;
	close(): Promise<void>;
}

/** Below the namespace; not a keyv record, so no reader of records ever parses it. */
export const GENERATION_KEY = 'meta:generation';

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

export function keyvOptions(namespace: string, useKeyPrefix: boolean) {
	return {
		namespace,
		useKeyPrefix,
		// Without this keyv turns a failed read into "not found": a ledger that says "never delivered" while Redis is down would re-post.
		throwOnErrors: true,
		serialize: serialize as never,
		deserialize: deserialize as never,
	};
}

/** `sqlite://./var/x.sqlite` → `./var/x.sqlite`; `sqlite:///abs/x.sqlite` → `/abs/x.sqlite`. */
export function sqlitePath(url: string): string {
	const path = url.replace(/^sqlite:\/\//, '');
	if (!path) throw new StoreConnectError('STORE_URL sqlite:// needs a file path, e.g. sqlite://./var/paperboy.sqlite');
	return path;
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

/** A generation counter's stored text as a number; null when absent or not a counter. */
export function generationOf(value: unknown): number | null {
	if (value === null || value === undefined) return null;
	const n = Number(value);
	return Number.isSafeInteger(n) ? n : null;
}

/** A per-instance lock token, so an instance only ever releases its own lease. */
export function newLockToken(): string {
	return `${process.pid}:${randomUUID()}`;
}
