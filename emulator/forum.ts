import { validateBody } from './validate.ts';

type Json = Record<string, unknown>;

/** Discord's channel flag for a forum whose posts must carry at least one of its tags. */
export const REQUIRE_TAG = 1 << 4;
/** Discord's limit on tags applied to one post. */
const APPLIED_TAGS_MAX = 5;

export interface ForumTagSpec {
	name: string;
	moderated?: boolean;
	emojiId?: string | null;
	emojiName?: string | null;
}

export interface ForumTag {
	id: string;
	name: string;
	moderated: boolean;
	emoji_id: string | null;
	emoji_name: string | null;
}

export interface ForumState {
	tags: ForumTag[];
	flags: number;
}

export interface ForumSpec {
	tags?: ForumTagSpec[];
	/** Sets REQUIRE_TAG: a post without one of the forum's tags is refused with 40067. */
	requireTag?: boolean;
}

export function makeForum(spec: ForumSpec, nextId: () => string): ForumState {
	return {
		tags: (spec.tags ?? []).map((t) => ({
			id: nextId(),
			name: t.name,
			moderated: t.moderated ?? false,
			emoji_id: t.emojiId ?? null,
			emoji_name: t.emojiName ?? null,
		})),
		flags: spec.requireTag ? REQUIRE_TAG : 0,
	};
}

/** The fields a forum channel object has beyond a text channel's. */
export function forumFields(forum: ForumState): Json {
	return {
		topic: null,
		flags: forum.flags,
		available_tags: forum.tags.map((t) => ({ ...t })),
		default_reaction_emoji: null,
		default_thread_rate_limit_per_user: 0,
		default_sort_order: null,
		default_forum_layout: 0,
	};
}

export interface ForumReply {
	status: number;
	body: Json;
}

const TAG_REQUIRED: ForumReply = { status: 400, body: { code: 40067, message: 'A tag is required to create a forum post in this channel' } };
/** What Discord answers a plain message sent to a forum itself: only posts go there. */
export const NOT_TEXT: ForumReply = { status: 400, body: { code: 50008, message: 'Cannot send messages in a non-text channel' } };

/**
 * Checks a `POST /channels/{forum}/threads` body as Discord does: the schema (the starter message
 * with the same message rules as a channel message), unknown tags, and a forum's REQUIRE_TAG.
 * Returns the refusal, or undefined when the post may be created.
 */
export function refusePost(forum: ForumState, body: unknown, validate: boolean): ForumReply | undefined {
	if (validate) {
		const err = validateBody('forum-thread', body);
		if (err) return { status: 400, body: { ...err } };
	}
	const tags = appliedTags(body);
	if (tags.length > APPLIED_TAGS_MAX) {
		return {
			status: 400,
			body: {
				code: 50035,
				message: 'Invalid Form Body',
				errors: { applied_tags: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' }] } },
			},
		};
	}
	// A tag of another forum counts for nothing here, so it does not satisfy REQUIRE_TAG either.
	if ((forum.flags & REQUIRE_TAG) !== 0 && !tags.some((id) => forum.tags.some((t) => t.id === id))) return TAG_REQUIRED;
	return undefined;
}

export function appliedTags(body: unknown): string[] {
	const raw = typeof body === 'object' && body !== null ? (body as Json)['applied_tags'] : undefined;
	return Array.isArray(raw) ? raw.map(String) : [];
}

/** The tags a post keeps: those of its forum, as Discord drops the rest. */
export function knownTags(forum: ForumState, body: unknown): string[] {
	return appliedTags(body).filter((id) => forum.tags.some((t) => t.id === id));
}

export function starterMessage(body: unknown): Json {
	const raw = typeof body === 'object' && body !== null ? (body as Json)['message'] : undefined;
	return typeof raw === 'object' && raw !== null ? (raw as Json) : {};
}
