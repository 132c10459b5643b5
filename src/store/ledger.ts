import type { Guard } from './guard.ts';
import { CorruptRecordError, isoDate, snowflake, type Records } from './records.ts';
import { LedgerEntry, LedgerRecord, MessageView, PendingRecord, Snowflake, storeKeys, ThreadRecord } from './schema.ts';
import { createKeyedSerial } from './serial.ts';

export interface DeliveredMessage {
	messageId: string;
	paperIds: string[];
	view?: MessageView;
}

/**
 * What delivery knows about one (channel, digest date): the messages Discord accepted, the send
 * in flight, and the thread of thread mode. Every record lives for the ledger ttl and goes when
 * the channel's subscription is removed.
 */
export interface Ledger {
	/**
	 * What was already posted, by message key: one read. Empty when there is no record; throws
	 * CorruptRecordError (and logs it) when the record is unreadable.
	 */
	sent(channelId: string, date: string): Promise<Map<string, LedgerEntry>>;
	/**
	 * Records a message Discord accepted, and clears the pending send of that key. False (and the first
	 * record kept) when that key was already recorded. Throws CorruptRecordError, leaving the record
	 * as it is, when the stored one is corrupt.
	 */
	recordDelivered(channelId: string, date: string, messageKey: string, message: DeliveredMessage): Promise<boolean>;
	/**
	 * Replaces how a recorded message was drawn, after it was edited (or found deleted). False when
	 * that key has no record (expired, or the channel's subscription removed meanwhile).
	 */
	recordView(channelId: string, date: string, messageKey: string, view: MessageView): Promise<boolean>;
	/** The send written down before posting and not yet recorded; null when none (or unreadable, logged). */
	pending(channelId: string, date: string): Promise<PendingRecord | null>;
	setPending(channelId: string, date: string, send: PendingRecord): Promise<void>;
	getThread(channelId: string, date: string): Promise<string | null>;
	setThread(channelId: string, date: string, threadId: string): Promise<void>;
	/** Drops expired records now (SQLite has no native expiry). Returns how many. */
	sweepExpired(): Promise<number>;
	/**
	 * True when the store went back in time since this (channel, digest) was last checked against
	 * the channel, and the digest could have been posted before that: its record may miss messages
	 * that were posted. Checks the store first, so it throws StoreUnavailableError when the store
	 * lost its data.
	 */
	mayHaveRolledBack(channelId: string, date: string): Promise<boolean>;
	/** The channel's recent messages were compared with the record: trusted again until the next rollback. */
	confirmed(channelId: string, date: string): void;
}

/** The ledger plus what only the store calls: removing a channel's records with its subscription. */
export interface OwnedLedger extends Ledger {
	forgetChannels(channelIds: readonly string[]): Promise<number>;
}

const PREFIXES = ['ledger:', 'thread:', 'pending:'] as const;
/** A digest is posted at the earliest when its date begins somewhere: UTC+14. */
const EARLIEST_ZONE_MS = 14 * 60 * 60 * 1000;
/** Ledger records whose newest entries this process remembers, to notice them missing; the oldest are forgotten first. */
const REMEMBERED = 5_000;

export function createLedger(records: Records, guard: Guard, ttlMs: number, now: () => Date): OwnedLedger {
	const { backend, corrupt } = records;
	const { keyv } = backend;
	const serial = createKeyedSerial();
	// What this process recorded, per ledger key, since the last rollback it noticed (older entries prove nothing new).
	const written = new Map<string, { epoch: number; at: number; keys: Set<string> }>();
	// `${channel}:${date}` checked against the channel since the latest rollback (`checkedEpoch`).
	const checked = new Set<string>();
	let checkedEpoch = 0;

	function remember(key: string, messageKey: string): void {
		const at = now().getTime();
		const mine = written.get(key);
		const keys = mine && mine.epoch === guard.rollbacks ? mine.keys : new Set<string>();
		keys.add(messageKey);
		written.delete(key);
		written.set(key, { epoch: guard.rollbacks, at, keys });
		if (written.size > REMEMBERED) written.delete(written.keys().next().value as string);
	}

	/** A record missing entries this process wrote (and that have not expired) went back in time. */
	async function verify(key: string, entries: Record<string, unknown>): Promise<void> {
		const mine = written.get(key);
		if (!mine || mine.epoch !== guard.rollbacks || now().getTime() - mine.at >= ttlMs) return;
		const gone = [...mine.keys].filter((k) => !(k in entries)).length;
		if (gone > 0) await guard.suspect(`${key} lacks ${gone} of the ${mine.keys.size} message(s) this process recorded there`);
	}

	async function sent(channelId: string, date: string): Promise<Map<string, LedgerEntry>> {
		const key = storeKeys.ledger(snowflake(channelId, 'channelId'), isoDate(date));
		const value: unknown = await keyv.get(key);
		if (value === undefined || value === null) {
			await verify(key, {});
			return new Map();
		}
		const result = records.validate(value, LedgerRecord);
		let problem: string | undefined;
		if (!result.ok) problem = result.problem;
		else if (result.data.channelId !== channelId || result.data.date !== date) problem = 'channelId/date do not match the key';
		else {
			await verify(key, result.data.entries);
			return new Map(Object.entries(result.data.entries));
		}
		corrupt(key, problem);
		throw new CorruptRecordError(key, problem);
	}

	const pendingKey = (channelId: string, date: string) => storeKeys.pending(snowflake(channelId, 'channelId'), isoDate(date));

	return {
		sent,

		async recordDelivered(channelId, date, messageKey, message) {
			const c = snowflake(channelId, 'channelId');
			const key = storeKeys.ledger(c, isoDate(date));
			if (!messageKey) throw new TypeError('messageKey must not be empty');
			const entry = LedgerEntry.parse({ ...message, at: now().toISOString() });
			const added = await serial(key, async () => {
				const entries = await sent(c, date);
				if (entries.has(messageKey)) return false;
				entries.set(messageKey, entry);
				const record: LedgerRecord = { channelId: c, date, entries: Object.fromEntries(entries) };
				await records.write(key, record, ttlMs);
				remember(key, messageKey);
				return true;
			});
			// Only that message's own pending send: another one (a crash's leftover) still needs recovering.
			const pk = storeKeys.pending(c, date);
			const pending = await records.read(pk, PendingRecord);
			if (pending?.nonce === messageKey) await records.delete(pk);
			return added;
		},

		async recordView(channelId, date, messageKey, view) {
			const c = snowflake(channelId, 'channelId');
			const key = storeKeys.ledger(c, isoDate(date));
			const checked = MessageView.parse(view);
			return serial(key, async () => {
				const entries = await sent(c, date);
				const entry = entries.get(messageKey);
				if (!entry) return false;
				entries.set(messageKey, { ...entry, view: checked });
				await records.write(key, { channelId: c, date, entries: Object.fromEntries(entries) } satisfies LedgerRecord, ttlMs);
				return true;
			});
		},

		async pending(channelId, date) {
			return records.read(pendingKey(channelId, date), PendingRecord);
		},

		async setPending(channelId, date, send) {
			await records.write(pendingKey(channelId, date), PendingRecord.parse(send), ttlMs);
		},

		async getThread(channelId, date) {
			const key = storeKeys.thread(snowflake(channelId, 'channelId'), isoDate(date));
			const record = await records.read(key, ThreadRecord);
			if (record && (record.channelId !== channelId || record.date !== date)) {
				corrupt(key, 'channelId/date do not match the key');
				return null;
			}
			return record?.threadId ?? null;
		},

		async setThread(channelId, date, threadId) {
			const record = ThreadRecord.parse({ channelId, date, threadId });
			await records.write(storeKeys.thread(record.channelId, record.date), record, ttlMs);
		},

		async sweepExpired() {
			let n = 0;
			for (const prefix of PREFIXES) n += await backend.sweepExpired(prefix);
			return n;
		},

		async mayHaveRolledBack(channelId, date) {
			await guard.check();
			if (guard.rolledBackAt === null) return false;
			// Nothing of a digest whose date began after the rollback was noticed can have been lost by it.
			if (Date.parse(`${isoDate(date)}T00:00:00Z`) - EARLIEST_ZONE_MS > guard.rolledBackAt) return false;
			return !(checkedEpoch === guard.rollbacks && checked.has(`${channelId}:${date}`));
		},

		confirmed(channelId, date) {
			if (checkedEpoch !== guard.rollbacks) checked.clear();
			checkedEpoch = guard.rollbacks;
			checked.add(`${channelId}:${date}`);
		},

		async forgetChannels(channelIds) {
			const keys: string[] = [];
			for (const c of new Set(channelIds)) {
				// A malformed id from a damaged index must not widen the prefix to other channels' records.
				if (!Snowflake.safeParse(c).success) continue;
				for (const prefix of PREFIXES) keys.push(...(await backend.keysWithPrefix(`${prefix}${c}:`)));
			}
			await records.deleteMany(keys);
			for (const key of keys) written.delete(key);
			return keys.length;
		},
	};
}

const LEGACY_PENDING = /^setting:pending:(\d{1,20}):(\d{4}-\d{2}-\d{2})$/;

/**
 * Earlier versions kept the pending send as a setting (`setting:pending:<channel>:<date>`) that
 * never expired. Moves each to the ledger's key with what is left of the ledger ttl counted from
 * its `at`, and deletes the old record; an expired or unreadable one is only deleted, since it
 * was never going to be recovered. Safe to run from several processes at once. Returns how many moved.
 */
export async function migrateLegacyPending(records: Records, ttlMs: number, now: () => Date): Promise<{ moved: number; dropped: number }> {
	const { backend } = records;
	const { keyv } = backend;
	let moved = 0;
	let dropped = 0;
	for (const key of await backend.keysWithPrefix(storeKeys.setting('pending:'))) {
		const match = LEGACY_PENDING.exec(key);
		if (!match) continue;
		const [, channelId, date] = match as unknown as [string, string, string];
		const record = records.check(key, await keyv.get(key), PendingRecord);
		const left = record ? Date.parse(record.at) + ttlMs - now().getTime() : 0;
		const target = storeKeys.pending(channelId, date);
		if (record && left > 0 && (await keyv.get(target)) === undefined) {
			await records.write(target, record, Math.min(left, ttlMs));
			moved += 1;
		} else dropped += 1;
		await records.delete(key);
	}
	return { moved, dropped };
}
