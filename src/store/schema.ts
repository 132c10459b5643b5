import { z } from 'zod';
import { isValidTimeZone } from '../time/zones.ts';
import { ArxivId, IsoDate } from '../digest/schema.ts';

/** A Discord id. Digits only, which also keeps `:` (our key separator) out of store keys. */
export const Snowflake = z.string().regex(/^\d{1,20}$/, 'not a Discord id');
export type Snowflake = z.infer<typeof Snowflake>;

/** Wall-clock time of day, 24-hour `HH:MM`. */
export const TimeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (00:00 to 23:59)');

// Building an Intl formatter per record would dominate listing thousands of subscriptions.
const knownZones = new Set<string>();
export const TimeZone = z.string().refine((name) => {
	if (knownZones.has(name)) return true;
	if (!isValidTimeZone(name)) return false;
	knownZones.add(name);
	return true;
}, 'not an IANA time zone');

const Timestamp = z.iso.datetime({ offset: true });

/** Why delivery to a channel stopped (403/404 from Discord); null while it runs. */
export const Paused = z.object({
	reason: z.string().min(1).max(500),
	/** Discord's JSON error code (50001, 50013, 10003…) when there was one. */
	code: z.number().int().nullable(),
	at: Timestamp,
});
export type Paused = z.infer<typeof Paused>;

/** How a channel's digests look: a card per paper, or one numbered list with summaries on request. */
export const DigestFormat = z.enum(['cards', 'compact']);
export type DigestFormat = z.infer<typeof DigestFormat>;

/** How often a channel gets a post: every digest, or a week's most-voted papers once a week. */
export const Cadence = z.enum(['daily', 'weekly']);
export type Cadence = z.infer<typeof Cadence>;

/** A word or phrase a channel's topic filter matches, as typed (matched like `/search`). */
export const TopicTerm = z.string().min(1).max(100);
/** More terms than this is a search, not a channel's topic. */
export const TOPIC_TERMS_MAX = 20;

/** One channel's daily digest subscription. At most one per (guild, channel). */
export const Subscription = z.object({
	guildId: Snowflake,
	channelId: Snowflake,
	time: TimeOfDay,
	timezone: TimeZone,
	minVotes: z.number().int().nonnegative().nullable(),
	top: z.number().int().positive().nullable(),
	mentionRoleId: Snowflake.nullable(),
	thread: z.boolean(),
	/** Absent on records written before formats existed: those keep the cards they had. */
	format: DigestFormat.optional(),
	/** Absent on records written before cadences existed: daily. */
	cadence: Cadence.optional(),
	/** The ISO weekday (1 Monday … 7 Sunday) a weekly roll-up is posted on. */
	weekday: z.number().int().min(1).max(7).optional(),
	/** Keep only papers matching any of these (title, authors, summary); absent or empty keeps all. */
	include: z.array(TopicTerm).max(TOPIC_TERMS_MAX).optional(),
	/** Drop papers matching any of these. */
	exclude: z.array(TopicTerm).max(TOPIC_TERMS_MAX).optional(),
	/** `forum`: each digest is a post of its own there. Absent on records from before forums: a text channel. */
	channelKind: z.enum(['text', 'forum']).optional(),
	/** The forum tag every post carries; absent or null: none. */
	forumTagId: Snowflake.nullable().optional(),
	createdAt: Timestamp,
	/** Digests dated on or before this day are never delivered: a new subscription starts with the next one. */
	startAfterDate: IsoDate.nullable(),
	/** The newest digest this channel is done with: posted, or nothing in it for the channel (empty, filtered out). */
	lastDeliveredDate: IsoDate.nullable(),
	/** The newest digest that put a message in the channel. Absent on records written before it was kept. */
	lastPostedDate: IsoDate.nullable().optional(),
	paused: Paused.nullable(),
	/** Set by the store on every write. */
	updatedAt: Timestamp,
});
export type Subscription = z.infer<typeof Subscription>;

/** What callers hand to `putSubscription`: the store stamps `updatedAt`. */
export const SubscriptionDraft = Subscription.omit({ updatedAt: true }).extend({ updatedAt: Timestamp.optional() });
export type SubscriptionDraft = z.infer<typeof SubscriptionDraft>;

/** Fields `patchSubscription` may change; identity and creation time are fixed. */
export type SubscriptionPatch = Partial<Omit<Subscription, 'guildId' | 'channelId' | 'createdAt' | 'updatedAt'>>;

/** Per-guild list of subscribed channel ids, so a shard reads only its own guilds. */
export const GuildIndex = z.object({
	guildId: Snowflake,
	channelIds: z.array(Snowflake),
});
export type GuildIndex = z.infer<typeof GuildIndex>;

/**
 * How a posted message was drawn, so a rewritten digest can draw it again and edit it in place:
 * the same papers with their new votes and titles, the same numbering and header. `hash` is of
 * the body last sent; a message a moderator deleted is `deleted` and left alone.
 */
export const MessageView = z.object({
	/** `head`: the thread-mode header line above a thread, which lists no paper. */
	format: z.enum(['cards', 'compact', 'head']),
	hash: z.string().min(1).max(100),
	/** Where the message lives when it is not the subscription's channel (a thread). */
	target: Snowflake.optional(),
	/** The header line it carries: the digest's own, or a later "papers added" one. */
	lead: z.enum(['digest', 'added']).optional(),
	/** The size of the batch it was posted with: the header's count and the list's numbering. */
	count: z.number().int().min(0).max(100_000),
	/** The rank of its first paper in that batch (compact numbering). */
	rank: z.number().int().min(1).max(100_000),
	/** Papers it lists without delivering them (a compact index above a thread); else its own. */
	shows: z.array(ArxivId).optional(),
	deleted: z.literal(true).optional(),
});
export type MessageView = z.infer<typeof MessageView>;

/** One message Discord accepted for a (channel, digest). */
export const LedgerEntry = z.object({
	messageId: Snowflake,
	paperIds: z.array(ArxivId),
	at: Timestamp,
	/** Absent on messages posted before edits existed: those are never edited. */
	view: MessageView.optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** Everything posted to one channel for one digest date, keyed by the sender's message key. */
export const LedgerRecord = z.object({
	channelId: Snowflake,
	date: IsoDate,
	entries: z.record(z.string().min(1), LedgerEntry),
});
export type LedgerRecord = z.infer<typeof LedgerRecord>;

export const ThreadRecord = z.object({
	channelId: Snowflake,
	date: IsoDate,
	threadId: Snowflake,
});
export type ThreadRecord = z.infer<typeof ThreadRecord>;

/** A send written down before it is posted, so a crash between the two can be recovered without posting twice. */
export const PendingRecord = z.object({ nonce: z.string(), paperIds: z.array(z.string()), at: Timestamp });
export type PendingRecord = z.infer<typeof PendingRecord>;

/** Store keys, below the namespace. Exported so tests can corrupt a known record through the backend. */
export const storeKeys = {
	subscription: (guildId: string, channelId: string) => `sub:${guildId}:${channelId}`,
	guildIndex: (guildId: string) => `guild:${guildId}`,
	guildIndexPrefix: 'guild:',
	ledger: (channelId: string, date: string) => `ledger:${channelId}:${date}`,
	thread: (channelId: string, date: string) => `thread:${channelId}:${date}`,
	pending: (channelId: string, date: string) => `pending:${channelId}:${date}`,
	setting: (key: string) => `setting:${key}`,
	lock: (key: string) => `lock:${key}`,
	/** A member's own records (members.ts); every one starts with the member's id. */
	saved: (userId: string) => `saved:${userId}`,
	follows: (userId: string) => `follows:${userId}`,
	followsPrefix: 'follows:',
	dm: (userId: string, date: string) => `dm:${userId}:${date}`,
	dmPrefix: (userId: string) => `dm:${userId}:`,
	dmAllPrefix: 'dm:',
	dmPause: (userId: string) => `dmpause:${userId}`,
	dmChannel: (userId: string) => `dmchannel:${userId}`,
} as const;

/** More saved papers than this is an archive of one's own; the oldest would never be read again. */
export const SAVED_MAX = 1000;
/** A member's follows: each is matched against every new digest. */
export const FOLLOWS_MAX = 20;

/** One paper a member saved. */
export const SavedPaper = z.object({ paperId: ArxivId, savedAt: Timestamp });
export type SavedPaper = z.infer<typeof SavedPaper>;

/** A member's saved papers, oldest first (as saved); the same in every server. */
export const SavedList = z.object({ userId: Snowflake, papers: z.array(SavedPaper).max(SAVED_MAX) });
export type SavedList = z.infer<typeof SavedList>;

/** A follow's query, as typed (matched like `/search`). */
export const FollowQuery = z.string().trim().min(1).max(100);

export const Follow = z.object({
	query: FollowQuery,
	createdAt: Timestamp,
	/** Digests dated on or before this day never alert it: a new follow starts with the next digest. */
	startAfterDate: IsoDate.nullable(),
});
export type Follow = z.infer<typeof Follow>;

/** A member's follows, written only by the member's own commands. */
export const FollowList = z.object({
	userId: Snowflake,
	follows: z.array(Follow).max(FOLLOWS_MAX),
	/** The language of the member's latest `/follow`: their alerts are written in it. */
	locale: z.enum(['ko', 'en-US']).optional(),
});
export type FollowList = z.infer<typeof FollowList>;

/**
 * The alert DM for one (member, digest date), written as `pending` before it is sent (with the
 * nonce it is sent with) and `sent` once Discord accepted it, so no digest alerts a member twice.
 */
export const DmRecord = z.object({
	userId: Snowflake,
	date: IsoDate,
	state: z.enum(['pending', 'sent']),
	nonce: z.string().min(1).max(25),
	paperIds: z.array(ArxivId),
	/** The follows that matched, as typed: `/follows` shows when each last did. */
	queries: z.array(FollowQuery),
	messageId: Snowflake.nullable(),
	at: Timestamp,
});
export type DmRecord = z.infer<typeof DmRecord>;

/** A member's DM channel: Discord gives the same one every time, so it is asked for once. */
export const DmChannel = z.object({ userId: Snowflake, channelId: Snowflake });
export type DmChannel = z.infer<typeof DmChannel>;

/** Why alerts to a member stopped (50007: they do not take DMs from the bot). */
export const DmPause = z.object({ userId: Snowflake, paused: Paused });
export type DmPause = z.infer<typeof DmPause>;
