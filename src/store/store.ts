import { silentLogger, type Logger } from '../log.ts';
import { describeRedisUrl, sqlitePath, StoreConnectError, type Backend } from './backend.ts';
import { createGuard } from './guard.ts';
import { createLeases, type Leases } from './leases.ts';
import { createLedger, migrateLegacyPending, type Ledger } from './ledger.ts';
import { createMembers, type Members } from './members.ts';
import { registerBackend } from './raw.ts';
import { storeKeys } from './schema.ts';
import { createRecords } from './records.ts';
import { openRedis } from './redis.ts';
import { openSqlite } from './sqlite.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.ts';

export { StoreConnectError } from './backend.ts';
export { StoreUnavailableError } from './guard.ts';
export { CorruptRecordError } from './records.ts';
export type { Leases, LockResult } from './leases.ts';
export type { DeliveredMessage, Ledger } from './ledger.ts';
export type { Subscriptions } from './subscriptions.ts';
export type { Follower, FollowResult, Members, SaveResult } from './members.ts';

/*
 * Layout under the namespace (SQLite `<ns>:<key>`, Redis `<ns>::<key>`), one JSON record per key:
 *   sub:<guild>:<channel>     Subscription
 *   guild:<guild>             GuildIndex (channel ids), so a shard reads only its own guilds
 *   ledger:<channel>:<date>   LedgerRecord, every message posted for that digest (ttl)
 *   thread:<channel>:<date>   ThreadRecord (ttl)
 *   pending:<channel>:<date>  PendingRecord, the send in flight (ttl)
 *   lock:<key>                a lease (Redis; SQLite keeps leases in a side table)
 *   saved:<user>              SavedList, a member's saved papers (every server)
 *   follows:<user>            FollowList, a member's follows
 *   dm:<user>:<date>          DmRecord, the alert DM for that digest (ttl)
 *   dmpause:<user>            DmPause, why alerts to the member stopped
 *   dmchannel:<user>          DmChannel, the member's DM channel id
 *   meta:generation           a plain integer, raised before every write (see guard.ts)
 * Every read is validated; a record that fails is logged with its key and treated as absent,
 * except a ledger record, which throws CorruptRecordError (absent would mean "post it again").
 */

/** A SQLite file next to the bot: the state of a single-process install. */
export const DEFAULT_STORE_URL = 'sqlite://./var/paperboy.sqlite';
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

export interface StoreOptions {
	logger?: Logger;
	/** Key prefix; lets several bots (or test files) share one Redis. Letters, digits, `_ . -`. */
	namespace?: string;
	/** Lifetime of ledger, thread and pending records; must outlast the catch-up window (`ledgerTtlMsFor`). */
	ledgerTtlMs?: number;
	/** Redis only: how long the first connection may take before `openStore` rejects. */
	connectTimeoutMs?: number;
	/** How often the store is checked for lost data or a rollback while nothing writes (default 30 s; 0: only on writes). */
	integrityCheckMs?: number;
	now?: () => Date;
}

/** The open store, by concern: each consumer is handed only the part it uses. */
export interface Store {
	readonly subscriptions: Subscriptions;
	readonly ledger: Ledger;
	readonly leases: Leases;
	readonly members: Members;
	/** Null when the store answers and still holds its data; else why not (a readiness probe). */
	health(): Promise<string | null>;
	/** Releases the leases this instance holds, then disconnects. Idempotent. */
	close(): Promise<void>;
}

const NAMESPACE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const RESERVED_NAMESPACES = new Set([
	'sub',
	'guild',
	'ledger',
	'thread',
	'pending',
	'setting',
	'lock',
	'meta',
	'saved',
	'follows',
	'dm',
	'dmpause',
	'dmchannel',
]);
const INTEGRITY_CHECK_MS = 30_000;

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

	const now = opts.now ?? (() => new Date());
	const ledgerTtlMs = opts.ledgerTtlMs ?? DEFAULT_LEDGER_TTL_MS;
	const where = backend.kind === 'sqlite' ? sqlitePath(url) : describeRedisUrl(url);
	let guard;
	let records;
	try {
		// A real write, first: a store that cannot take one fails here, not one log line per write later.
		const initial = await backend.initGeneration();
		guard = createGuard(backend, logger, { initial, where, intervalMs: opts.integrityCheckMs ?? INTEGRITY_CHECK_MS });
		records = createRecords(backend, logger, guard.beforeWrite);
		const { moved, dropped } = await migrateLegacyPending(records, ledgerTtlMs, now);
		if (moved + dropped > 0) logger.info({ moved, dropped }, 'pending sends moved from settings to the ledger');
	} catch (error) {
		guard?.stop();
		await backend.close().catch(() => undefined);
		throw error;
	}
	const leases = createLeases(backend, logger);
	const ledger = createLedger(records, guard, ledgerTtlMs, now);
	const subscriptions = createSubscriptions({ records, leases, now, channelsRemoved: async (ids) => void (await ledger.forgetChannels(ids)) });

	const members = createMembers(records, ledgerTtlMs, now);

	const stopGuard = guard.stop;
	let closed: Promise<void> | undefined;
	const store: Store = {
		subscriptions,
		ledger: {
			sent: ledger.sent,
			recordDelivered: ledger.recordDelivered,
			recordView: ledger.recordView,
			pending: ledger.pending,
			setPending: ledger.setPending,
			getThread: ledger.getThread,
			setThread: ledger.setThread,
			// Members' alert records expire with the ledger; SQLite drops them only when swept or read.
			sweepExpired: async () => (await ledger.sweepExpired()) + (await backend.sweepExpired(storeKeys.dmAllPrefix)),
			mayHaveRolledBack: ledger.mayHaveRolledBack,
			confirmed: ledger.confirmed,
		},
		members,
		leases: { tryLock: leases.tryLock, renew: leases.renew, unlock: leases.unlock, withLock: leases.withLock },
		async health() {
			try {
				await guard.check();
				return null;
			} catch (err) {
				return err instanceof Error ? err.message : String(err);
			}
		},
		close() {
			closed ??= (async () => {
				stopGuard();
				await leases.releaseAll();
				await backend.close();
			})();
			return closed;
		},
	};
	registerBackend(store, backend);
	return store;
}
