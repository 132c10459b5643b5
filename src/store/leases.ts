import type { Logger } from '../log.ts';
import { newLockToken, type Backend } from './backend.ts';
import { storeKeys } from './schema.ts';

export type LockResult<T> = { locked: true; value: T } | { locked: false };

/**
 * Leases: exclusive across instances and processes (Redis `SET NX PX`; SQLite one upsert in a
 * side table of the same file). `tryLock` on a lease already held fails, its holder too; the holder
 * extends it with `renew`.
 */
export interface Leases {
	/** True when this instance now holds `key` for `ttlMs`. */
	tryLock(key: string, ttlMs: number): Promise<boolean>;
	/** Extends a lease this instance holds to `ttlMs` from now; false when it was lost (expired, taken over). */
	renew(key: string, ttlMs: number): Promise<boolean>;
	/** Releases the lease if this instance still holds it. */
	unlock(key: string): Promise<void>;
	withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<LockResult<T>>;
}

/** The leases plus what only the store itself calls: releasing everything held on close. */
export interface OwnedLeases extends Leases {
	releaseAll(): Promise<void>;
}

export function createLeases(backend: Backend, logger: Logger): OwnedLeases {
	const held = new Map<string, string>();

	async function tryLock(key: string, ttlMs: number): Promise<boolean> {
		if (!key) throw new TypeError('lock key must not be empty');
		if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new TypeError('lock ttlMs must be a positive integer');
		const token = held.get(key) ?? newLockToken();
		const taken = await backend.acquire(storeKeys.lock(key), token, ttlMs);
		if (taken) held.set(key, token);
		return taken;
	}

	async function renew(key: string, ttlMs: number): Promise<boolean> {
		if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new TypeError('lock ttlMs must be a positive integer');
		const token = held.get(key);
		if (token === undefined) return false;
		const kept = await backend.renew(storeKeys.lock(key), token, ttlMs);
		// A lost lease's token must never release or renew whoever holds the key now.
		if (!kept && held.get(key) === token) held.delete(key);
		return kept;
	}

	async function unlock(key: string): Promise<void> {
		const token = held.get(key);
		if (token === undefined) return;
		held.delete(key);
		await backend.release(storeKeys.lock(key), token);
	}

	return {
		tryLock,
		renew,
		unlock,
		async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
			if (!(await tryLock(key, ttlMs))) return { locked: false };
			try {
				return { locked: true, value: await fn() };
			} finally {
				await unlock(key);
			}
		},
		async releaseAll() {
			for (const key of [...held.keys()]) {
				await unlock(key).catch((error: unknown) => logger.warn({ key, err: error }, 'could not release lock on close'));
			}
		},
	};
}
