import { isoDate, snowflake, type Records } from './records.ts';
import {
	DmChannel,
	DmPause,
	DmRecord,
	FOLLOWS_MAX,
	FollowList,
	FollowQuery,
	SAVED_MAX,
	SavedList,
	storeKeys,
	type Follow,
	type Paused,
	type SavedPaper,
} from './schema.ts';
import { createKeyedSerial } from './serial.ts';

export interface SaveResult {
	added: string[];
	/** Already on the list: kept where they were. */
	already: string[];
	/** Left off because the list is full. */
	refused: string[];
}

export type FollowResult = 'added' | 'exists' | 'full';

/** A member who follows anything, as the alert deliverer reads them. */
export interface Follower {
	userId: string;
	follows: Follow[];
	locale: 'ko' | 'en-US' | undefined;
}

/**
 * What Paperboy keeps about one member, by user id and never by guild: their saved papers, their
 * follows, the alert DMs sent them and why alerts stopped. Every method takes the member's own id
 * (commands pass the interaction's user), so no member reads or changes another's records.
 */
export interface Members {
	/** Newest first. */
	saved(userId: string): Promise<SavedPaper[]>;
	save(userId: string, paperIds: readonly string[]): Promise<SaveResult>;
	/** False when the paper was not on the list. */
	unsave(userId: string, paperId: string): Promise<boolean>;
	/** Oldest first, as followed. */
	follows(userId: string): Promise<Follow[]>;
	/** `startAfterDate`: the newest digest when the follow is made, so it alerts from the next one. */
	follow(userId: string, query: string, startAfterDate: string | null, locale?: 'ko' | 'en-US'): Promise<FollowResult>;
	/** Removes the follow whose query matches (case and spacing aside). */
	unfollow(userId: string, query: string): Promise<boolean>;
	/** Every member with at least one follow. */
	followers(): Promise<Follower[]>;
	dm(userId: string, date: string): Promise<DmRecord | null>;
	/** The member's alert DMs still kept (the ledger ttl), newest date first. */
	dms(userId: string): Promise<DmRecord[]>;
	setDm(record: DmRecord): Promise<void>;
	dmPaused(userId: string): Promise<Paused | null>;
	/** Null resumes alerts. */
	setDmPaused(userId: string, paused: Paused | null): Promise<void>;
	/** The member's DM channel id, once Discord gave it. */
	dmChannel(userId: string): Promise<string | null>;
	setDmChannel(userId: string, channelId: string): Promise<void>;
	/** Deletes every record kept about the member. Returns how many records went. */
	forget(userId: string): Promise<number>;
}

/** Two follows that differ only in case or spacing are one follow. */
export function followIdentity(query: string): string {
	return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function createMembers(records: Records, ttlMs: number, now: () => Date): Members {
	const { backend } = records;
	// Within a process one change at a time per member; the records are only changed by the member's own commands.
	const serial = createKeyedSerial();
	const user = (id: string) => snowflake(id, 'userId');

	async function savedList(u: string): Promise<SavedPaper[]> {
		const record = await records.read(storeKeys.saved(u), SavedList);
		return record && record.userId === u ? record.papers : [];
	}

	async function followRecord(u: string): Promise<FollowList | null> {
		const record = await records.read(storeKeys.follows(u), FollowList);
		return record && record.userId === u ? record : null;
	}

	async function followList(u: string): Promise<Follow[]> {
		return (await followRecord(u))?.follows ?? [];
	}

	async function writeFollows(u: string, follows: Follow[], locale: FollowList['locale']): Promise<void> {
		const key = storeKeys.follows(u);
		if (follows.length === 0) await records.delete(key);
		else await records.write(key, FollowList.parse({ userId: u, follows, ...(locale ? { locale } : {}) }));
	}

	return {
		async saved(userId) {
			return (await savedList(user(userId))).slice().reverse();
		},

		async save(userId, paperIds) {
			const u = user(userId);
			return serial(storeKeys.saved(u), async () => {
				const papers = await savedList(u);
				const have = new Set(papers.map((p) => p.paperId));
				const result: SaveResult = { added: [], already: [], refused: [] };
				const at = now().toISOString();
				for (const paperId of new Set(paperIds)) {
					if (have.has(paperId)) result.already.push(paperId);
					else if (papers.length >= SAVED_MAX) result.refused.push(paperId);
					else {
						papers.push({ paperId, savedAt: at });
						have.add(paperId);
						result.added.push(paperId);
					}
				}
				if (result.added.length > 0) await records.write(storeKeys.saved(u), SavedList.parse({ userId: u, papers }));
				return result;
			});
		},

		async unsave(userId, paperId) {
			const u = user(userId);
			return serial(storeKeys.saved(u), async () => {
				const papers = await savedList(u);
				const kept = papers.filter((p) => p.paperId !== paperId);
				if (kept.length === papers.length) return false;
				if (kept.length === 0) await records.delete(storeKeys.saved(u));
				else await records.write(storeKeys.saved(u), SavedList.parse({ userId: u, papers: kept }));
				return true;
			});
		},

		async follows(userId) {
			return followList(user(userId));
		},

		async follow(userId, query, startAfterDate, locale) {
			const u = user(userId);
			const typed = FollowQuery.parse(query);
			if (startAfterDate !== null) isoDate(startAfterDate);
			return serial(storeKeys.follows(u), async () => {
				const record = await followRecord(u);
				const follows = record?.follows ?? [];
				if (follows.some((f) => followIdentity(f.query) === followIdentity(typed))) return 'exists';
				if (follows.length >= FOLLOWS_MAX) return 'full';
				await writeFollows(u, [...follows, { query: typed, createdAt: now().toISOString(), startAfterDate }], locale ?? record?.locale);
				return 'added';
			});
		},

		async unfollow(userId, query) {
			const u = user(userId);
			return serial(storeKeys.follows(u), async () => {
				const record = await followRecord(u);
				const follows = record?.follows ?? [];
				const kept = follows.filter((f) => followIdentity(f.query) !== followIdentity(query));
				if (kept.length === follows.length) return false;
				await writeFollows(u, kept, record?.locale);
				return true;
			});
		},

		async followers() {
			const keys = await backend.keysWithPrefix(storeKeys.followsPrefix);
			const lists = await records.readMany(keys, FollowList);
			const out: Follower[] = [];
			keys.forEach((key, i) => {
				const list = lists[i];
				// A record whose id disagrees with its key would alert the wrong member: skipped.
				if (list && key === storeKeys.follows(list.userId) && list.follows.length > 0)
					out.push({ userId: list.userId, follows: list.follows, locale: list.locale });
			});
			return out;
		},

		async dm(userId, date) {
			const u = user(userId);
			const record = await records.read(storeKeys.dm(u, isoDate(date)), DmRecord);
			return record && record.userId === u && record.date === date ? record : null;
		},

		async dms(userId) {
			const u = user(userId);
			const keys = await backend.keysWithPrefix(storeKeys.dmPrefix(u));
			const found = await records.readMany(keys, DmRecord);
			return found.filter((r): r is DmRecord => r !== null && r.userId === u).sort((a, b) => b.date.localeCompare(a.date));
		},

		async setDm(record) {
			const checked = DmRecord.parse(record);
			await records.write(storeKeys.dm(user(checked.userId), checked.date), checked, ttlMs);
		},

		async dmPaused(userId) {
			const u = user(userId);
			const record = await records.read(storeKeys.dmPause(u), DmPause);
			return record && record.userId === u ? record.paused : null;
		},

		async setDmPaused(userId, paused) {
			const u = user(userId);
			if (paused === null) await records.delete(storeKeys.dmPause(u));
			else await records.write(storeKeys.dmPause(u), DmPause.parse({ userId: u, paused }));
		},

		async dmChannel(userId) {
			const u = user(userId);
			const record = await records.read(storeKeys.dmChannel(u), DmChannel);
			return record && record.userId === u ? record.channelId : null;
		},

		async setDmChannel(userId, channelId) {
			const u = user(userId);
			await records.write(storeKeys.dmChannel(u), DmChannel.parse({ userId: u, channelId }));
		},

		async forget(userId) {
			const u = user(userId);
			const keys = [
				storeKeys.saved(u),
				storeKeys.follows(u),
				storeKeys.dmPause(u),
				storeKeys.dmChannel(u),
				...(await backend.keysWithPrefix(storeKeys.dmPrefix(u))),
			];
			const present = (await records.getMany(keys)).filter((v) => v !== undefined && v !== null).length;
			await serial(storeKeys.saved(u), () => serial(storeKeys.follows(u), () => records.deleteMany(keys)));
			return present;
		},
	};
}
