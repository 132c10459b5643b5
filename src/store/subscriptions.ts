import type { Leases } from './leases.ts';
import { snowflake, type Records } from './records.ts';
import { GuildIndex, storeKeys, Subscription, SubscriptionDraft, type SubscriptionPatch } from './schema.ts';
import { createKeyedSerial } from './serial.ts';

/** Subscriptions, one per (guild, channel), and the per-guild index that lists them. */
export interface Subscriptions {
	/** One guild's subscriptions; commands pass the interaction's guild id, so a guild only sees its own. */
	list(guildId: string): Promise<Subscription[]>;
	/** Subscriptions of the given guilds (a shard passes its cached guild ids); all guilds when omitted. */
	listAll(guildIds?: Iterable<string>): Promise<Subscription[]>;
	get(guildId: string, channelId: string): Promise<Subscription | null>;
	/** Creates or replaces; stamps `updatedAt`. Throws a ZodError for an invalid subscription. */
	put(sub: SubscriptionDraft): Promise<Subscription>;
	/** Null when there is no such subscription. Throws a ZodError when the result would be invalid. */
	patch(guildId: string, channelId: string, patch: SubscriptionPatch): Promise<Subscription | null>;
	/** Removes the subscription and, with it, the channel's delivery records. */
	delete(guildId: string, channelId: string): Promise<boolean>;
	/** Removes every subscription of a guild (the bot left it) and their channels' records. Returns how many. */
	deleteGuild(guildId: string): Promise<number>;
}

/*
 * A guild's index is read, changed and written back; two processes doing that at once would each
 * drop the other's change. The lease keeps them apart; it outlives any one write by far, and a
 * writer waits past its ttl, so a lease left by a crashed process never blocks for good.
 */
const INDEX_LEASE_MS = 5_000;
const INDEX_LEASE_WAIT_MS = 15_000;

export interface SubscriptionsDeps {
	records: Records;
	leases: Leases;
	now: () => Date;
	/** Called after channels lost their subscription, so their delivery records go too. */
	channelsRemoved(channelIds: string[]): Promise<void>;
}

export function createSubscriptions({ records, leases, now, channelsRemoved }: SubscriptionsDeps): Subscriptions {
	const { backend, logger, corrupt, check } = records;
	const { keyv } = backend;
	const serial = createKeyedSerial();

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

	async function channelIdsOf(guildId: string): Promise<string[]> {
		return indexedChannelIds(guildId, await keyv.get(storeKeys.guildIndex(guildId))) ?? scanChannelIds(guildId);
	}

	async function scanChannelIds(guildId: string): Promise<string[]> {
		const prefix = storeKeys.subscription(guildId, '');
		return (await backend.keysWithPrefix(prefix)).map((k) => k.slice(prefix.length));
	}

	async function writeIndex(guildId: string, channelIds: string[]): Promise<void> {
		const key = storeKeys.guildIndex(guildId);
		if (channelIds.length === 0) await records.delete(key);
		else await records.write(key, { guildId, channelIds } satisfies GuildIndex);
	}

	async function subscriptionsOf(pairs: Array<[string, string]>): Promise<Subscription[]> {
		const keys = pairs.map(([g, c]) => storeKeys.subscription(g, c));
		const subs = await records.readMany(keys, Subscription);
		const out: Subscription[] = [];
		subs.forEach((sub, i) => {
			const [g, c] = pairs[i] as [string, string];
			const ok = subAt(keys[i] as string, g, c, sub);
			if (ok) out.push(ok);
		});
		return out;
	}

	/** Runs a read-modify-write of a guild's index alone: one at a time in this process, and under a lease across processes. */
	function withIndexLease<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
		return serial(storeKeys.guildIndex(guildId), async () => {
			const lease = `index:${guildId}`;
			const deadline = Date.now() + INDEX_LEASE_WAIT_MS;
			for (let pause = 2; !(await leases.tryLock(lease, INDEX_LEASE_MS)); pause = Math.min(pause * 2, 100)) {
				if (Date.now() > deadline) throw new Error(`store busy: could not take the index lease of guild ${guildId}`);
				await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
			}
			try {
				return await fn();
			} finally {
				// The write is done; a lease we fail to release expires on its own.
				await leases.unlock(lease).catch((error: unknown) => logger.warn({ key: lease, err: error }, 'could not release index lease'));
			}
		});
	}

	/** The subscription is already gone; records left behind by a failure here still expire with the ledger ttl. */
	async function forget(channelIds: string[]): Promise<void> {
		if (channelIds.length === 0) return;
		await channelsRemoved(channelIds).catch((error: unknown) =>
			logger.warn({ channels: channelIds.length, err: error }, 'could not remove delivery records of removed channels; they expire with the ledger'),
		);
	}

	return {
		async list(guildId) {
			const g = snowflake(guildId, 'guildId');
			const channelIds = await channelIdsOf(g);
			return subscriptionsOf(channelIds.map((c) => [g, c]));
		},

		async listAll(guildIds) {
			let guilds: string[];
			if (guildIds === undefined) {
				const prefix = storeKeys.guildIndexPrefix;
				guilds = (await backend.keysWithPrefix(prefix)).map((k) => k.slice(prefix.length));
			} else {
				guilds = [...new Set(guildIds)].map((g) => snowflake(g, 'guildId'));
			}
			const pairs: Array<[string, string]> = [];
			const indexes = await records.getMany(guilds.map((g) => storeKeys.guildIndex(g)));
			for (const [i, guildId] of guilds.entries()) {
				const channelIds = indexedChannelIds(guildId, indexes[i]) ?? (await scanChannelIds(guildId));
				for (const c of channelIds) pairs.push([guildId, c]);
			}
			return subscriptionsOf(pairs);
		},

		async get(guildId, channelId) {
			const g = snowflake(guildId, 'guildId');
			const c = snowflake(channelId, 'channelId');
			const key = storeKeys.subscription(g, c);
			return subAt(key, g, c, await records.read(key, Subscription));
		},

		async put(draft) {
			const sub = Subscription.parse({ ...SubscriptionDraft.parse(draft), updatedAt: now().toISOString() });
			return withIndexLease(sub.guildId, async () => {
				// Index first: a crash in between leaves an index entry without a record, which readers skip.
				const channelIds = await channelIdsOf(sub.guildId);
				if (!channelIds.includes(sub.channelId)) await writeIndex(sub.guildId, [...channelIds, sub.channelId]);
				await records.write(storeKeys.subscription(sub.guildId, sub.channelId), sub);
				return sub;
			});
		},

		async patch(guildId, channelId, patch) {
			const g = snowflake(guildId, 'guildId');
			const c = snowflake(channelId, 'channelId');
			return withIndexLease(g, async () => {
				const key = storeKeys.subscription(g, c);
				const current = subAt(key, g, c, await records.read(key, Subscription));
				if (!current) return null;
				const next = Subscription.parse({
					...current,
					...patch,
					guildId: g,
					channelId: c,
					createdAt: current.createdAt,
					updatedAt: now().toISOString(),
				});
				await records.write(key, next);
				return next;
			});
		},

		async delete(guildId, channelId) {
			const g = snowflake(guildId, 'guildId');
			const c = snowflake(channelId, 'channelId');
			const removed = await withIndexLease(g, async () => {
				const existed = await records.delete(storeKeys.subscription(g, c));
				const channelIds = await channelIdsOf(g);
				const indexed = channelIds.includes(c);
				if (indexed)
					await writeIndex(
						g,
						channelIds.filter((x) => x !== c),
					);
				return existed || indexed;
			});
			if (removed) await forget([c]);
			return removed;
		},

		async deleteGuild(guildId) {
			const g = snowflake(guildId, 'guildId');
			const { count, channelIds } = await withIndexLease(g, async () => {
				const channelIds = [...new Set([...(await channelIdsOf(g)), ...(await scanChannelIds(g))])];
				const keys = channelIds.map((c) => storeKeys.subscription(g, c));
				const present = keys.length === 0 ? [] : await keyv.getMany(keys);
				const count = present.filter((v) => v !== undefined && v !== null).length;
				await records.deleteMany(keys);
				await records.delete(storeKeys.guildIndex(g));
				return { count, channelIds };
			});
			await forget(channelIds);
			return count;
		},
	};
}
