import { DEFAULT_STORE_URL } from '../config.ts';
import type { z } from 'zod';
import { IsoDate } from '../digest/schema.ts';
import { silentLogger, type Logger } from '../log.ts';
import { CorruptEnvelope, newLockToken, openRedis, openSqlite, StoreConnectError, type Backend } from './backend.ts';
import {
	GuildIndex,
	LedgerEntry,
	LedgerRecord,
	Snowflake,
	storeKeys,
	Subscription,
	SubscriptionDraft,
	ThreadRecord,
	type SubscriptionPatch,
} from './schema.ts';
import { createKeyedSerial } from './serial.ts';

export { StoreConnectError } from './backend.ts';

/**
 * A record that is present but unreadable where reading it as absent would do harm: a ledger
 * exists only where something was posted, so "nothing delivered" would post the digest again.
 */
export class CorruptRecordError extends Error {
	override name = 'CorruptRecordError';
	constructor(
		readonly key: string,
		readonly problem: string,
	) {
		super(`corrupt store record ${key}: ${problem}`);
	}
}

/*
 * Layout under the namespace (SQLite `<ns>:<key>`, Redis `<ns>::<key>`), one JSON record per key:
 *   sub:<guild>:<channel>    Subscription
 *   guild:<guild>            GuildIndex (channel ids), so a shard reads only its own guilds
 *   ledger:<channel>:<date>  LedgerRecord, every message posted for that digest (ttl)
 *   thread:<channel>:<date>  ThreadRecord (ttl)
 *   setting:<key>            caller-validated value
 * Every read is validated; a record that fails is logged with its key and treated as absent,
 * except a ledger record, which throws CorruptRecordError (absent would mean "post it again").
 */

export const DEFAULT_NAMESPACE = 'paperboy';
const DAY_MS = 24 * 60 * 60 * 1000;
/** The ledger is only read for digests inside the catch-up window; see {@link ledgerTtlMsFor}. */
export const DEFAULT_LEDGER_TTL_MS = 60 * DAY_MS;

/**
 * The ledger lifetime for a catch-up window: delivery re-checks every date in the window against
 * the ledger alone, so a record that expired inside it would post that digest again. A week of
 * slack covers time zones and the time a record was written after its digest's date.
 */
export function ledgerTtlMsFor(catchUpDays: number): number {
	return Math.max(DEFAULT_LEDGER_TTL_MS, (catchUpDays + 7) * DAY_MS);
}
/*
 * A guild's index is read, changed and written back; two processes doing that at once would each
 * drop the other's change. The lease keeps them apart; it outlives any one write by far, and a
 * writer waits past its ttl, so a lease left by a crashed process never blocks for good.
 */
const INDEX_LEASE_MS = 5_000;
const INDEX_LEASE_WAIT_MS = 15_000;
// Bounds one MGET / one SQLite `IN (json_each)` so thousands of guilds do not become one huge request.
const BATCH = 500;

export interface StoreOptions {
	logger?: Logger;
	/** Key prefix; lets several bots (or test files) share one Redis. Letters, digits, `_ . -`. */
	namespace?: string;
	/** Lifetime of ledger and thread records; must outlast the catch-up window (`ledgerTtlMsFor`). */
	ledgerTtlMs?: number;
	/** Redis only: how long the first connection may take before `openStore` rejects. */
	connectTimeoutMs?: number;
	now?: () => Date;
}

export interface DeliveredMessage {
	messageId: string;
	paperIds: string[];
}

export type LockResult<T> = { locked: true; value: T } | { locked: false };

export interface Store {
	readonly kind: 'sqlite' | 'redis';
	readonly namespace: string;

	/** One guild's subscriptions; commands pass the interaction's guild id, so a guild only sees its own. */
	listSubscriptions(guildId: string): Promise<Subscription[]>;
	/** Subscriptions of the given guilds (a shard passes its cached guild ids); all guilds when omitted. */
	listAllSubscriptions(guildIds?: Iterable<string>): Promise<Subscription[]>;
	getSubscription(guildId: string, channelId: string): Promise<Subscription | null>;
	/** Creates or replaces; stamps `updatedAt`. Throws a ZodError for an invalid subscription. */
	putSubscription(sub: SubscriptionDraft): Promise<Subscription>;
	/** Null when there is no such subscription. Throws a ZodError when the result would be invalid. */
	patchSubscription(guildId: string, channelId: string, patch: SubscriptionPatch): Promise<Subscription | null>;
	deleteSubscription(guildId: string, channelId: string): Promise<boolean>;
	/** Removes every subscription of a guild (the bot left it). Returns how many. */
	deleteGuild(guildId: string): Promise<number>;

	/**
	 * What was already posted to a channel for one digest, by message key: one read. Empty when
	 * there is no record; throws CorruptRecordError (and logs it) when the record is unreadable.
	 * The same holds for the three readers below.
	 */
	getLedger(channelId: string, date: string): Promise<Map<string, LedgerEntry>>;
	deliveredKeys(channelId: string, date: string): Promise<Set<string>>;
	deliveredPaperIds(channelId: string, date: string): Promise<Set<string>>;
	isDelivered(channelId: string, date: string, messageKey: string): Promise<boolean>;
	/**
	 * Records a message Discord accepted. False (and the first record kept) when that key was already
	 * recorded. Throws CorruptRecordError, leaving the record as it is, when the stored one is corrupt.
	 */
	recordDelivered(channelId: string, date: string, messageKey: string, message: DeliveredMessage): Promise<boolean>;
	getThread(channelId: string, date: string): Promise<string | null>;
	setThread(channelId: string, date: string, threadId: string): Promise<void>;

	/** Undefined when unset or corrupt (a corrupt value is logged). */
	getSetting<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined>;
	setSetting(key: string, value: unknown, opts?: { ttlMs?: number }): Promise<void>;
	deleteSetting(key: string): Promise<boolean>;

	/**
	 * A lease: true when this instance now holds `key` for `ttlMs`. Exclusive across instances and
	 * processes (Redis `SET NX PX`; SQLite one upsert in a side table of the same file).
	 */
	tryLock(key: string, ttlMs: number): Promise<boolean>;
	/** Releases the lease if this instance still holds it. */
	unlock(key: string): Promise<void>;
	withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<LockResult<T>>;

	/** Drops expired ledger/thread records now (SQLite has no native expiry). Returns how many. */
	sweepExpired(): Promise<number>;
	/** For tests and repair only: the exact stored text of a key, bypassing validation. */
	readonly raw: { set(key: string, text: string): Promise<void>; get(key: string): Promise<string | undefined> };
	close(): Promise<void>;
}

const NAMESPACE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const RESERVED_NAMESPACES = new Set(['sub', 'guild', 'ledger', 'thread', 'setting', 'lock']);
const SETTING_KEY_RE = /^[\w.:-]{1,100}$/;

export async function openStore(url: string = DEFAULT_STORE_URL, opts: StoreOptions = {}): Promise<Store> {
	const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
	// Keyv skips its prefix for keys that already start with `<namespace>:`, so a namespace may not look like a key.
	if (!NAMESPACE_RE.test(namespace) || RESERVED_NAMESPACES.has(namespace)) {
		throw new Error(`invalid store namespace "${namespace}": use letters, digits, _ . - (and not a key prefix)`);
	}
	const logger = (opts.logger ?? silentLogger).child({ module: 'store' });
	let backend: Backend;
	if (url.startsWith('sqlite://')) backend = await openSqlite(url, namespace, logger);
	else if (/^rediss?:\/\//.test(url)) {
		backend = await openRedis(url, namespace, logger, opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs });
	} else throw new StoreConnectError('STORE_URL must start with sqlite:// or redis://');
	return createStore(backend, {
		namespace,
		logger,
		ledgerTtlMs: opts.ledgerTtlMs ?? DEFAULT_LEDGER_TTL_MS,
		now: opts.now ?? (() => new Date()),
	});
}

function shortIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'invalid';
	const path = issue.path.join('.');
	const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
	return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

interface Ctx {
	namespace: string;
	logger: Logger;
	ledgerTtlMs: number;
	now: () => Date;
}

function createStore(backend: Backend, ctx: Ctx): Store {
	const { keyv } = backend;
	const { logger } = ctx;
	const serial = createKeyedSerial();
	const heldLocks = new Map<string, string>();
	let closed: Promise<void> | undefined;

	const corrupt = (key: string, problem: string) => logger.warn({ key, problem }, 'corrupt store record skipped');

	/** Why a present stored value is unusable, or the validated value. */
	function validate<T>(value: unknown, schema: z.ZodType<T>): { ok: true; data: T } | { ok: false; problem: string } {
		if (value instanceof CorruptEnvelope) return { ok: false, problem: value.message };
		const parsed = schema.safeParse(value);
		return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problem: shortIssue(parsed.error) };
	}

	/** Validates one stored value; null (and a warning) when it is corrupt. */
	function check<T>(key: string, value: unknown, schema: z.ZodType<T>): T | null {
		if (value === undefined || value === null) return null;
		const result = validate(value, schema);
		if (result.ok) return result.data;
		corrupt(key, result.problem);
		return null;
	}

	async function read<T>(key: string, schema: z.ZodType<T>): Promise<T | null> {
		return check(key, await keyv.get(key), schema);
	}

	async function getMany(keys: readonly string[]): Promise<unknown[]> {
		const out: unknown[] = [];
		for (const batch of chunks(keys, BATCH)) out.push(...((await keyv.getMany(batch)) as unknown[]));
		return out;
	}

	async function readMany<T>(keys: readonly string[], schema: z.ZodType<T>): Promise<Array<T | null>> {
		const values = await getMany(keys);
		return keys.map((key, i) => check(key, values[i], schema));
	}

	async function write(key: string, value: unknown, ttlMs?: number): Promise<void> {
		await keyv.set(key, value, ttlMs);
	}

	const id = (value: string, what: string) => {
		const parsed = Snowflake.safeParse(value);
		if (!parsed.success) throw new TypeError(`${what} must be a Discord id, got ${JSON.stringify(value).slice(0, 40)}`);
		return parsed.data;
	};
	const day = (value: string) => {
		if (!IsoDate.safeParse(value).success) throw new TypeError(`date must be YYYY-MM-DD, got ${JSON.stringify(value).slice(0, 40)}`);
		return value;
	};

	/** A subscription whose stored ids disagree with its key is treated as corrupt: isolation must not hinge on record content. */
	function subAt(key: string, guildId: string, channelId: string, sub: Subscription | null): Subscription | null {
		if (sub && (sub.guildId !== guildId || sub.channelId !== channelId)) {
			corrupt(key, 'guildId/channelId do not match the key');
			return null;
		}
		return sub;
	}

	/**
	 * Channel ids from a guild's stored index record: none when there is no record; null (and a
	 * warning) when the record cannot be trusted, so the caller rebuilds the list from the keys.
	 */
	function indexedChannelIds(guildId: string, raw: unknown): string[] | null {
		if (raw === undefined || raw === null) return [];
		const key = storeKeys.guildIndex(guildId);
		const index = check(key, raw, GuildIndex);
		if (!index) return null;
		if (index.guildId !== guildId) {
			corrupt(key, 'guildId does not match the key');
			return null;
		}
		return index.channelIds;
	}

	/** The guild's channel ids; rebuilt from a key scan if the index record is corrupt. */
	async function channelIdsOf(guildId: string): Promise<string[]> {
		return indexedChannelIds(guildId, await keyv.get(storeKeys.guildIndex(guildId))) ?? scanChannelIds(guildId);
	}

	async function scanChannelIds(guildId: string): Promise<string[]> {
		const prefix = storeKeys.subscription(guildId, '');
		return (await backend.keysWithPrefix(prefix)).map((k) => k.slice(prefix.length));
	}

	async function writeIndex(guildId: string, channelIds: string[]): Promise<void> {
		const key = storeKeys.guildIndex(guildId);
		if (channelIds.length === 0) await keyv.delete(key);
		else await write(key, { guildId, channelIds } satisfies GuildIndex);
	}

	async function subscriptionsOf(pairs: Array<[string, string]>): Promise<Subscription[]> {
		const keys = pairs.map(([g, c]) => storeKeys.subscription(g, c));
		const subs = await readMany(keys, Subscription);
		const out: Subscription[] = [];
		subs.forEach((sub, i) => {
			const [g, c] = pairs[i] as [string, string];
			const ok = subAt(keys[i] as string, g, c, sub);
			if (ok) out.push(ok);
		});
		return out;
	}

	async function getLedger(channelId: string, date: string): Promise<Map<string, LedgerEntry>> {
		const key = storeKeys.ledger(id(channelId, 'channelId'), day(date));
		const value: unknown = await keyv.get(key);
		if (value === undefined || value === null) return new Map();
		const result = validate(value, LedgerRecord);
		let problem: string | undefined;
		if (!result.ok) problem = result.problem;
		else if (result.data.channelId !== channelId || result.data.date !== date) problem = 'channelId/date do not match the key';
		else return new Map(Object.entries(result.data.entries));
		corrupt(key, problem);
		throw new CorruptRecordError(key, problem);
	}

	async function tryLock(key: string, ttlMs: number): Promise<boolean> {
		if (!key) throw new TypeError('lock key must not be empty');
		if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new TypeError('lock ttlMs must be a positive integer');
		const token = heldLocks.get(key) ?? newLockToken();
		const taken = await backend.acquire(storeKeys.lock(key), token, ttlMs);
		if (taken) heldLocks.set(key, token);
		return taken;
	}

	async function unlock(key: string): Promise<void> {
		const token = heldLocks.get(key);
		if (token === undefined) return;
		heldLocks.delete(key);
		await backend.release(storeKeys.lock(key), token);
	}

	/** Runs a read-modify-write of a guild's index alone: one at a time in this process, and under a lease across processes. */
	function withIndexLease<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
		return serial(storeKeys.guildIndex(guildId), async () => {
			const lease = `index:${guildId}`;
			const deadline = Date.now() + INDEX_LEASE_WAIT_MS;
			for (let pause = 2; !(await tryLock(lease, INDEX_LEASE_MS)); pause = Math.min(pause * 2, 100)) {
				if (Date.now() > deadline) throw new Error(`store busy: could not take the index lease of guild ${guildId}`);
				await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
			}
			try {
				return await fn();
			} finally {
				// The write is done; a lease we fail to release expires on its own.
				await unlock(lease).catch((error: unknown) => logger.warn({ key: lease, err: error }, 'could not release index lease'));
			}
		});
	}

	return {
		kind: backend.kind,
		namespace: ctx.namespace,

		async listSubscriptions(guildId) {
			const g = id(guildId, 'guildId');
			const channelIds = await channelIdsOf(g);
			return subscriptionsOf(channelIds.map((c) => [g, c]));
		},

		async listAllSubscriptions(guildIds) {
			let guilds: string[];
			if (guildIds === undefined) {
				const prefix = storeKeys.guildIndexPrefix;
				guilds = (await backend.keysWithPrefix(prefix)).map((k) => k.slice(prefix.length));
			} else {
				guilds = [...new Set(guildIds)].map((g) => id(g, 'guildId'));
			}
			const pairs: Array<[string, string]> = [];
			const indexes = await getMany(guilds.map((g) => storeKeys.guildIndex(g)));
			for (const [i, guildId] of guilds.entries()) {
				const channelIds = indexedChannelIds(guildId, indexes[i]) ?? (await scanChannelIds(guildId));
				for (const c of channelIds) pairs.push([guildId, c]);
			}
			return subscriptionsOf(pairs);
		},

		async getSubscription(guildId, channelId) {
			const g = id(guildId, 'guildId');
			const c = id(channelId, 'channelId');
			const key = storeKeys.subscription(g, c);
			return subAt(key, g, c, await read(key, Subscription));
		},

		async putSubscription(draft) {
			const sub = Subscription.parse({ ...SubscriptionDraft.parse(draft), updatedAt: ctx.now().toISOString() });
			return withIndexLease(sub.guildId, async () => {
				// Index first: a crash in between leaves an index entry without a record, which readers skip.
				const channelIds = await channelIdsOf(sub.guildId);
				if (!channelIds.includes(sub.channelId)) await writeIndex(sub.guildId, [...channelIds, sub.channelId]);
				await write(storeKeys.subscription(sub.guildId, sub.channelId), sub);
				return sub;
			});
		},

		async patchSubscription(guildId, channelId, patch) {
			const g = id(guildId, 'guildId');
			const c = id(channelId, 'channelId');
			return withIndexLease(g, async () => {
				const key = storeKeys.subscription(g, c);
				const current = subAt(key, g, c, await read(key, Subscription));
				if (!current) return null;
				const next = Subscription.parse({
					...current,
					...patch,
					guildId: g,
					channelId: c,
					createdAt: current.createdAt,
					updatedAt: ctx.now().toISOString(),
				});
				await write(key, next);
				return next;
			});
		},

		async deleteSubscription(guildId, channelId) {
			const g = id(guildId, 'guildId');
			const c = id(channelId, 'channelId');
			return withIndexLease(g, async () => {
				const existed = await keyv.delete(storeKeys.subscription(g, c));
				const channelIds = await channelIdsOf(g);
				const indexed = channelIds.includes(c);
				if (indexed) await writeIndex(g, channelIds.filter((x) => x !== c));
				return existed || indexed;
			});
		},

		async deleteGuild(guildId) {
			const g = id(guildId, 'guildId');
			return withIndexLease(g, async () => {
				const channelIds = new Set([...(await channelIdsOf(g)), ...(await scanChannelIds(g))]);
				const keys = [...channelIds].map((c) => storeKeys.subscription(g, c));
				const present = keys.length === 0 ? [] : await keyv.getMany(keys);
				const count = present.filter((v) => v !== undefined && v !== null).length;
				if (keys.length > 0) await keyv.deleteMany(keys);
				await keyv.delete(storeKeys.guildIndex(g));
				return count;
			});
		},

		getLedger,

		async deliveredKeys(channelId, date) {
			return new Set((await getLedger(channelId, date)).keys());
		},

		async deliveredPaperIds(channelId, date) {
			const ids = new Set<string>();
			for (const entry of (await getLedger(channelId, date)).values()) for (const p of entry.paperIds) ids.add(p);
			return ids;
		},

		async isDelivered(channelId, date, messageKey) {
			return (await getLedger(channelId, date)).has(messageKey);
		},

		async recordDelivered(channelId, date, messageKey, message) {
			const c = id(channelId, 'channelId');
			const key = storeKeys.ledger(c, day(date));
			if (!messageKey) throw new TypeError('messageKey must not be empty');
			const entry = LedgerEntry.parse({ ...message, at: ctx.now().toISOString() });
			return serial(key, async () => {
				const entries = await getLedger(c, date);
				if (entries.has(messageKey)) return false;
				entries.set(messageKey, entry);
				const record: LedgerRecord = { channelId: c, date, entries: Object.fromEntries(entries) };
				await write(key, record, ctx.ledgerTtlMs);
				return true;
			});
		},

		async getThread(channelId, date) {
			const key = storeKeys.thread(id(channelId, 'channelId'), day(date));
			const record = await read(key, ThreadRecord);
			if (record && (record.channelId !== channelId || record.date !== date)) {
				corrupt(key, 'channelId/date do not match the key');
				return null;
			}
			return record?.threadId ?? null;
		},

		async setThread(channelId, date, threadId) {
			const record = ThreadRecord.parse({ channelId, date, threadId });
			await write(storeKeys.thread(record.channelId, record.date), record, ctx.ledgerTtlMs);
		},

		async getSetting<T>(key: string, schema: z.ZodType<T>) {
			const full = storeKeys.setting(settingKey(key));
			return (await read(full, schema)) ?? undefined;
		},

		async setSetting(key, value, opts) {
			if (value === undefined) throw new TypeError('setting value must not be undefined (use deleteSetting)');
			await write(storeKeys.setting(settingKey(key)), value, opts?.ttlMs);
		},

		async deleteSetting(key) {
			return keyv.delete(storeKeys.setting(settingKey(key)));
		},

		tryLock,
		unlock,

		async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
			if (!(await tryLock(key, ttlMs))) return { locked: false };
			try {
				return { locked: true, value: await fn() };
			} finally {
				await unlock(key);
			}
		},

		async sweepExpired() {
			let n = 0;
			for (const prefix of ['ledger:', 'thread:', 'setting:']) n += await backend.sweepExpired(prefix);
			return n;
		},

		raw: {
			set: (key, text) => backend.rawSet(key, text),
			get: (key) => backend.rawGet(key),
		},

		close() {
			closed ??= (async () => {
				for (const key of [...heldLocks.keys()]) {
					await unlock(key).catch((error: unknown) => logger.warn({ key, err: error }, 'could not release lock on close'));
				}
				await backend.close();
			})();
			return closed;
		},
	};
}

function settingKey(key: string): string {
	if (!SETTING_KEY_RE.test(key)) throw new TypeError(`setting key must match ${SETTING_KEY_RE}, got ${JSON.stringify(key).slice(0, 40)}`);
	return key;
}
