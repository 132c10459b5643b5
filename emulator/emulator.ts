import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PermissionFlagsBits } from 'discord.js';
import { Gateway } from './gateway.ts';
import { computePermissions, toBits, type Overwrite, type PermissionInput } from './permissions.ts';
import { FixedWindowLimiter, type BucketVerdict } from './ratelimit.ts';
import { createSnowflakes, shardOf } from './snowflake.ts';
import { isEmptyMessage, validateBody, type BodyKind, type DiscordErrorBody } from './validate.ts';
import { forumFields, knownTags, makeForum, NOT_TEXT, refusePost, starterMessage, type ForumSpec, type ForumState } from './forum.ts';
import { DirectMessages, interactionFiles, parseMultipart, type UploadedFile } from './members.ts';
import { messageObject } from './message.ts';

type Json = Record<string, unknown>;

export interface EmulatorOptions {
	/** Recommended shard count answered by GET /gateway/bot. */
	shardCount?: number;
	rateLimits?: {
		channelMessages?: { limit: number; windowMs: number };
		globalPerSecond?: number;
		/** Divides every window and delay, so tests meet the same limits faster. */
		scale?: number;
	};
	/** Artificial latency added to every REST response, before `scale`. */
	responseDelayMs?: readonly [number, number];
	/** Validate bodies against discord-api-spec (default true). */
	validate?: boolean;
	heartbeatIntervalMs?: number;
	/** How long a nonce with enforce_nonce deduplicates (Discord: "a few minutes"). */
	nonceWindowMs?: number;
}

export interface RequestRecord {
	method: string;
	path: string;
	query: string;
	body: unknown;
	status: number;
	time: number;
	/** Bucket window index for rate-limited routes (POST /channels/{id}/messages). */
	window?: number;
	/** Set when this request was answered by an injected fault. */
	fault?: boolean;
	/** Files of a multipart/form-data request, byte for byte. */
	files?: UploadedFile[];
}

export interface FaultSpec {
	method?: string;
	path: RegExp | string;
	status?: number;
	code?: number;
	message?: string;
	/** How many matching requests it applies to (default 1). */
	times?: number;
	retryAfter?: number;
	global?: boolean;
	/** Destroy the socket instead of answering. */
	drop?: true;
}

export interface ChannelSpec extends ForumSpec {
	name?: string;
	/** 15 is a forum: `tags` and `requireTag` describe it. */
	type?: 0 | 11 | 12 | 15;
	parentId?: string;
}

export interface GuildSpec {
	name?: string;
	channels?: number | ChannelSpec[];
	ownerId?: string;
	/** Make the first channel the guild's system channel (where bots tell admins things). */
	systemChannel?: boolean;
	/** The guild's preferred locale (default en-US). */
	locale?: string;
}

export interface GuildInfo {
	id: string;
	name: string;
	ownerId: string;
	botRoleId: string;
	channels: string[];
}

export interface StoredMessage {
	id: string;
	channelId: string;
	time: number;
	/** The request body as the bot sent it. */
	body: Json;
	/** The message object the emulator answers with. */
	message: Json;
}

export interface InteractOptions {
	guildId: string;
	channelId: string;
	userId?: string;
	permissions?: bigint | string;
	locale?: string;
	type: 2 | 3 | 4;
	data: Json;
	/** For components: the message the component sits on (defaults to a synthetic bot message). */
	message?: Json;
	/** Changes the payload before it is sent: a malformed interaction as a broken gateway might send one. */
	mangle?: (payload: Json) => void;
}

export interface InteractionCallback {
	type: number;
	data?: Json;
}

export interface InteractionHandle {
	readonly id: string;
	readonly token: string;
	readonly payload: Json;
	/** Shards the INTERACTION_CREATE was sequenced on (0 means nobody will see it). */
	readonly delivered: number;
	response(timeoutMs?: number): Promise<InteractionCallback>;
	waitForFollowups(n: number, timeoutMs?: number): Promise<Json[]>;
	followups(): Json[];
	edits(): Json[];
	waitForEdits(n: number, timeoutMs?: number): Promise<Json[]>;
	/** The current @original message, if any. */
	original(): Json | undefined;
	/** Milliseconds from dispatch to the callback; recorded, not enforced. */
	answeredInMs(): number | undefined;
	answeredInTime(): boolean | undefined;
	/** Files the bot attached to the reply, follow-ups and edits. */
	files(): UploadedFile[];
}

interface GuildState {
	id: string;
	name: string;
	ownerId: string;
	botRoleId: string;
	roles: Map<string, { id: string; name: string; permissions: bigint; position: number; mentionable?: boolean }>;
	channels: string[];
	systemChannel: boolean;
	locale: string;
}

interface ChannelState {
	id: string;
	guildId: string;
	type: 0 | 11 | 12 | 15;
	name: string;
	position: number;
	parentId: string | undefined;
	overwrites: Overwrite[];
	forum?: ForumState;
	/** A forum post's tags. */
	appliedTags?: string[];
}

/** Threads are announced and listed apart from channels, and take their parent's overwrites. */
function isThread(c: { type: number }): boolean {
	return c.type === 11 || c.type === 12;
}

interface InteractionState {
	id: string;
	token: string;
	guildId: string;
	channelId: string;
	payload: Json;
	createdAt: number;
	callback?: InteractionCallback;
	answeredAt?: number;
	original?: Json;
	followups: Json[];
	edits: Json[];
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	window?: number;
}

export const BOT_PERMISSIONS =
	PermissionFlagsBits.ViewChannel |
	PermissionFlagsBits.SendMessages |
	PermissionFlagsBits.EmbedLinks |
	PermissionFlagsBits.CreatePublicThreads |
	PermissionFlagsBits.SendMessagesInThreads |
	PermissionFlagsBits.ReadMessageHistory;

const EVERYONE_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.UseApplicationCommands;
const MESSAGE_BUCKET = 'emu0messages0channel';
const INTERACTION_WINDOW_MS = 3000;

const ERR = {
	unauthorized: { status: 401, body: { code: 0, message: '401: Unauthorized' } },
	unknownChannel: { status: 404, body: { code: 10003, message: 'Unknown Channel' } },
	unknownMessage: { status: 404, body: { code: 10008, message: 'Unknown Message' } },
	unknownGuild: { status: 404, body: { code: 10004, message: 'Unknown Guild' } },
	unknownInteraction: { status: 404, body: { code: 10062, message: 'Unknown interaction' } },
	unknownWebhook: { status: 404, body: { code: 10015, message: 'Unknown Webhook' } },
	acknowledged: { status: 400, body: { code: 40060, message: 'Interaction has already been acknowledged.' } },
	missingAccess: { status: 403, body: { code: 50001, message: 'Missing Access' } },
	missingPermissions: { status: 403, body: { code: 50013, message: 'Missing Permissions' } },
	empty: { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } },
	notFound: { status: 404, body: { code: 0, message: '404: Not Found' } },
} satisfies Record<string, Reply>;

const DEFAULT_FAULT_CODES: Record<number, [number, string]> = {
	400: [50035, 'Invalid Form Body'],
	401: [0, '401: Unauthorized'],
	403: [50013, 'Missing Permissions'],
	404: [10003, 'Unknown Channel'],
	500: [0, '500: Internal Server Error'],
	502: [0, '502: Bad Gateway'],
	503: [0, '503: Service Unavailable'],
};

/** A guild member object as Discord sends it. */
function memberPayload(user: unknown, roles: string[]): Json {
	return {
		user,
		roles,
		joined_at: new Date().toISOString(),
		deaf: false,
		mute: false,
		flags: 0,
		nick: null,
		avatar: null,
		pending: false,
		premium_since: null,
		communication_disabled_until: null,
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function extractBody(raw: Buffer, contentType: string | undefined): unknown {
	if (raw.length === 0) return undefined;
	const text = raw.toString('utf8');
	if (contentType?.startsWith('multipart/form-data')) {
		// The JSON part is what we validate; the request record keeps the files.
		return parseMultipart(raw, contentType).json;
	}
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export class Emulator {
	readonly token: string;
	readonly appId: string;
	readonly botUser: Json & { id: string; username: string };
	readonly requests: RequestRecord[] = [];
	apiBase = '';
	gatewayUrl = '';

	readonly #opts: EmulatorOptions;
	readonly #scale: number;
	readonly #ids = createSnowflakes();
	readonly #events = new EventEmitter();
	readonly #server = createServer((req, res) => void this.#handle(req, res));
	readonly #gateway: Gateway;
	readonly #guilds = new Map<string, GuildState>();
	readonly #channels = new Map<string, ChannelState>();
	readonly #messages = new Map<string, StoredMessage[]>();
	readonly #messageById = new Map<string, StoredMessage>();
	readonly #nonces = new Map<string, { id: string; at: number }>();
	readonly #commands = new Map<string, Json[]>();
	readonly #interactions = new Map<string, InteractionState>();
	readonly #byToken = new Map<string, InteractionState>();
	readonly #faults: Array<FaultSpec & { left: number }> = [];
	readonly #messageLimiter: FixedWindowLimiter;
	readonly #globalLimiter: FixedWindowLimiter;
	/** Users' DM channels and what the bot sent there. */
	readonly dms: DirectMessages;

	constructor(opts: EmulatorOptions = {}) {
		this.#opts = opts;
		this.#scale = opts.rateLimits?.scale ?? 1;
		this.#events.setMaxListeners(0);
		this.appId = this.#ids.next();
		this.token = `${Buffer.from(this.appId).toString('base64')}.${randomBytes(4).toString('hex')}.${randomBytes(16).toString('base64url')}`;
		this.botUser = { id: this.appId, username: 'Paperboy', discriminator: '0', global_name: 'Paperboy', avatar: null, bot: true, flags: 0 };
		const cm = opts.rateLimits?.channelMessages ?? { limit: 5, windowMs: 5000 };
		this.#messageLimiter = new FixedWindowLimiter({ limit: cm.limit, windowMs: cm.windowMs / this.#scale });
		this.#globalLimiter = new FixedWindowLimiter({ limit: opts.rateLimits?.globalPerSecond ?? 50, windowMs: 1000 / this.#scale });
		this.dms = new DirectMessages({
			nextId: () => this.#ids.next(),
			limiter: this.#messageLimiter,
			botUser: this.botUser,
			nonceWindowMs: () => opts.nonceWindowMs ?? 5 * 60_000,
			validate: () => opts.validate !== false,
			changed: () => this.#changed(),
		});
		this.#gateway = new Gateway(this.#server, {
			token: this.token,
			url: () => this.gatewayUrl,
			heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
			ready: (shard) => ({
				ready: {
					v: 10,
					user: this.botUser,
					application: { id: this.appId, flags: 0 },
					guilds: [...this.#guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]).map((g) => ({ id: g.id, unavailable: true })),
					private_channels: [],
					relationships: [],
					presences: [],
					user_settings: {},
					guild_join_requests: [],
					geo_ordered_rtc_regions: [],
					session_type: 'normal',
					auth: {},
				},
				guilds: [...this.#guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]).map((g) => this.#guildPayload(g)),
			}),
			onEvent: () => this.#changed(),
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
		const { port } = this.#server.address() as AddressInfo;
		this.apiBase = `http://127.0.0.1:${port}/api`;
		this.gatewayUrl = `ws://127.0.0.1:${port}`;
	}

	async stop(): Promise<void> {
		await this.#gateway.stop();
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
		this.#events.removeAllListeners();
	}

	// ── state ────────────────────────────────────────────────────────────────

	addGuild(spec: GuildSpec = {}): GuildInfo {
		const id = this.#ids.nextGuild();
		const botRoleId = this.#ids.next();
		const g: GuildState = {
			id,
			name: spec.name ?? `Guild ${this.#guilds.size + 1}`,
			ownerId: spec.ownerId ?? this.#ids.next(),
			botRoleId,
			roles: new Map([
				[id, { id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 }],
				[botRoleId, { id: botRoleId, name: 'Paperboy', permissions: BOT_PERMISSIONS, position: 1 }],
			]),
			channels: [],
			systemChannel: spec.systemChannel ?? false,
			locale: spec.locale ?? 'en-US',
		};
		this.#guilds.set(id, g);
		const specs = typeof spec.channels === 'number' ? Array.from({ length: spec.channels }, () => ({})) : (spec.channels ?? [{ name: 'general' }]);
		for (const c of specs) this.#createChannel(g, c);
		this.#toGuild(id, 'GUILD_CREATE', this.#guildPayload(g));
		return this.guild(id);
	}

	guild(id: string): GuildInfo {
		const g = this.#guilds.get(id);
		if (!g) throw new Error(`no guild ${id}`);
		return { id: g.id, name: g.name, ownerId: g.ownerId, botRoleId: g.botRoleId, channels: [...g.channels] };
	}

	guilds(): GuildInfo[] {
		return [...this.#guilds.keys()].map((id) => this.guild(id));
	}

	addChannel(guildId: string, spec: ChannelSpec = {}): Json {
		const g = this.#guilds.get(guildId);
		if (!g) throw new Error(`no guild ${guildId}`);
		const c = this.#createChannel(g, spec);
		const payload = this.#channelPayload(c);
		this.#toGuild(guildId, isThread(c) ? 'THREAD_CREATE' : 'CHANNEL_CREATE', isThread(c) ? { ...payload, newly_created: true } : payload);
		return payload;
	}

	channel(id: string): Json | undefined {
		const c = this.#channels.get(id);
		return c && this.#channelPayload(c);
	}

	deleteChannel(id: string): void {
		const c = this.#channels.get(id);
		if (!c) return;
		this.#channels.delete(id);
		const g = this.#guilds.get(c.guildId);
		if (g) g.channels = g.channels.filter((x) => x !== id);
		this.#toGuild(c.guildId, isThread(c) ? 'THREAD_DELETE' : 'CHANNEL_DELETE', this.#channelPayload(c));
	}

	removeGuild(id: string): void {
		const g = this.#guilds.get(id);
		if (!g) return;
		this.#toGuild(id, 'GUILD_DELETE', { id });
		for (const c of g.channels) this.#channels.delete(c);
		this.#guilds.delete(id);
	}

	/** A member overwrite denying `perm` to the bot in the channel, announced as CHANNEL_UPDATE and enforced on REST. */
	denyPermission(channelId: string, perm: PermissionInput): void {
		this.#overwrite(channelId, perm, 'deny');
	}

	allowPermission(channelId: string, perm: PermissionInput): void {
		this.#overwrite(channelId, perm, 'allow');
	}

	/** A role overwrite (the guild id is @everyone) in the channel, announced as CHANNEL_UPDATE. */
	setRoleOverwrite(channelId: string, roleId: string, change: { allow?: PermissionInput; deny?: PermissionInput }): void {
		const c = this.#channels.get(channelId);
		if (!c) throw new Error(`no channel ${channelId}`);
		let o = c.overwrites.find((x) => x.type === 0 && x.id === roleId);
		if (!o) {
			o = { id: roleId, type: 0, allow: 0n, deny: 0n };
			c.overwrites.push(o);
		}
		if (change.allow !== undefined) o.allow = toBits(change.allow);
		if (change.deny !== undefined) o.deny = toBits(change.deny);
		this.#toGuild(c.guildId, isThread(c) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', this.#channelPayload(c));
	}

	botPermissions(channelId: string): bigint {
		const c = this.#channels.get(channelId);
		if (!c) return 0n;
		return this.#permissionsIn(c, this.appId, [this.#guilds.get(c.guildId)?.botRoleId ?? '']);
	}

	messages(channelId: string): StoredMessage[] {
		return [...(this.#messages.get(channelId) ?? [])];
	}

	commands(guildId?: string): Json[] {
		return [...(this.#commands.get(guildId ?? 'global') ?? [])];
	}

	fault(spec: FaultSpec): void {
		this.#faults.push({ ...spec, left: spec.times ?? 1 });
	}

	clearFaults(): void {
		this.#faults.length = 0;
	}

	closeGateway(code: number, shardId?: number): number {
		return this.#gateway.close(code, shardId);
	}

	/** Gateway sessions per shard with their histories (`identify`, `resume`, `close:4000`, …). */
	sessions(): Array<{ id: string; shard: readonly [number, number]; connected: boolean; history: string[] }> {
		return this.#gateway.sessions().map((s) => ({ id: s.id, shard: s.shard, connected: s.ws !== undefined, history: [...s.history] }));
	}

	/**
	 * Resolves with the first truthy value of `pred`, re-evaluated after every request and gateway event and
	 * every 10 ms (so predicates over client-side state, which changes after our events, are seen too).
	 */
	waitFor<T>(pred: () => T | undefined | null | false | '' | 0, timeoutMs = 5000): Promise<T> {
		return new Promise((resolve, reject) => {
			const check = (): boolean => {
				const v = pred();
				if (!v) return false;
				cleanup();
				resolve(v);
				return true;
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`emulator.waitFor timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			const poll = setInterval(check, 10);
			const cleanup = () => {
				clearInterval(poll);
				clearTimeout(timer);
				this.#events.off('change', check);
			};
			this.#events.on('change', check);
			check();
		});
	}

	#rolePayload(g: GuildState, r: { id: string; name: string; permissions: bigint; position: number; mentionable?: boolean }): Json {
		return {
			id: r.id,
			name: r.name,
			color: 0,
			colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
			hoist: false,
			icon: null,
			unicode_emoji: null,
			position: r.position,
			permissions: r.permissions.toString(),
			managed: r.id === g.botRoleId,
			mentionable: r.mentionable ?? false,
			flags: 0,
			...(r.id === g.botRoleId ? { tags: { bot_id: this.appId } } : {}),
		};
	}

	/**
	 * Adds a role to a guild (dispatched as GUILD_ROLE_CREATE). The member of an interaction
	 * with `permissions` holds such a role, so the bot's own permission checks agree with the
	 * interaction's `member.permissions`.
	 */
	addRole(guildId: string, spec: { name?: string; permissions?: bigint; mentionable?: boolean } = {}): string {
		const g = this.#guilds.get(guildId);
		if (!g) throw new Error(`no guild ${guildId}`);
		const role = {
			id: this.#ids.next(),
			name: spec.name ?? `role ${g.roles.size}`,
			permissions: spec.permissions ?? 0n,
			position: g.roles.size,
			mentionable: spec.mentionable ?? false,
		};
		g.roles.set(role.id, role);
		this.#toGuild(guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: this.#rolePayload(g, role) });
		return role.id;
	}

	#permissionRoles = new Map<string, string>();

	interact(opts: InteractOptions): InteractionHandle {
		const c = this.#channels.get(opts.channelId);
		if (!c || c.guildId !== opts.guildId) throw new Error(`no channel ${opts.channelId} in guild ${opts.guildId}`);
		const id = this.#ids.next();
		const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(24).toString('base64url')}`;
		const userId = opts.userId ?? this.#ids.next();
		const guild = this.#guilds.get(opts.guildId);
		const perms = opts.permissions === undefined ? EVERYONE_PERMISSIONS : BigInt(opts.permissions);
		let memberRoles: string[] = [];
		if (opts.permissions !== undefined) {
			const key = `${opts.guildId}:${perms}`;
			let roleId = this.#permissionRoles.get(key);
			if (!roleId) {
				roleId = this.addRole(opts.guildId, { name: `perms ${perms}`, permissions: perms });
				this.#permissionRoles.set(key, roleId);
			}
			memberRoles = [roleId];
		}
		const data: Json = { ...opts.data };
		if (opts.type !== 3) {
			const known = [...this.commands(opts.guildId), ...this.commands()].find((cmd) => cmd['name'] === data['name']);
			data['id'] ??= (known?.['id'] as string | undefined) ?? this.#ids.next();
			data['type'] ??= 1;
			data['guild_id'] ??= opts.guildId;
		} else {
			data['component_type'] ??= 2;
		}
		const payload: Json = {
			id,
			application_id: this.appId,
			type: opts.type,
			data,
			guild_id: opts.guildId,
			guild: { id: opts.guildId, locale: 'en-US', features: [] },
			channel_id: c.id,
			channel: this.#channelPayload(c),
			member: {
				...memberPayload({ id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }, memberRoles),
				permissions: perms.toString(),
			},
			token,
			version: 1,
			app_permissions: this.botPermissions(c.id).toString(),
			locale: opts.locale ?? 'en-US',
			guild_locale: 'en-US',
			entitlements: [],
			authorizing_integration_owners: { '0': opts.guildId },
			context: 0,
			attachment_size_limit: 10_485_760,
		};
		if (opts.type === 3) payload['message'] = opts.message ?? this.#apiMessage(this.#ids.next(), c.id, { content: '', components: [] });
		opts.mangle?.(payload);
		const state: InteractionState = { id, token, guildId: opts.guildId, channelId: c.id, payload, createdAt: Date.now(), followups: [], edits: [] };
		this.#interactions.set(id, state);
		this.#byToken.set(token, state);
		const delivered = guild ? this.#toGuild(opts.guildId, 'INTERACTION_CREATE', payload) : 0;
		return {
			id,
			token,
			payload,
			delivered,
			response: (timeoutMs = 5000) => this.waitFor(() => state.callback, timeoutMs),
			followups: () => [...state.followups],
			waitForFollowups: (n, timeoutMs = 5000) => this.waitFor(() => state.followups.length >= n && [...state.followups], timeoutMs),
			edits: () => [...state.edits],
			waitForEdits: (n, timeoutMs = 5000) => this.waitFor(() => state.edits.length >= n && [...state.edits], timeoutMs),
			original: () => state.original,
			answeredInMs: () => (state.answeredAt === undefined ? undefined : state.answeredAt - state.createdAt),
			answeredInTime: () => (state.answeredAt === undefined ? undefined : state.answeredAt - state.createdAt <= INTERACTION_WINDOW_MS),
			files: () => interactionFiles(this.requests, id, token),
		};
	}

	// ── payloads ─────────────────────────────────────────────────────────────

	#changed(): void {
		this.#events.emit('change');
	}

	#toGuild(guildId: string, t: string, d: unknown): number {
		const n = this.#gateway.broadcast((shard) => shardOf(guildId, shard[1]) === shard[0], t, d);
		this.#changed();
		return n;
	}

	#createChannel(g: GuildState, spec: ChannelSpec): ChannelState {
		const c: ChannelState = {
			id: this.#ids.next(),
			guildId: g.id,
			type: spec.type ?? 0,
			name: spec.name ?? `channel-${g.channels.length + 1}`,
			position: g.channels.length,
			parentId: spec.parentId,
			overwrites: [],
			...(spec.type === 15 ? { forum: makeForum(spec, () => this.#ids.next()) } : {}),
		};
		this.#channels.set(c.id, c);
		g.channels.push(c.id);
		return c;
	}

	#overwrite(channelId: string, perm: PermissionInput, kind: 'allow' | 'deny'): void {
		const c = this.#channels.get(channelId);
		if (!c) throw new Error(`no channel ${channelId}`);
		const bits = toBits(perm);
		let o = c.overwrites.find((x) => x.type === 1 && x.id === this.appId);
		if (!o) {
			o = { id: this.appId, type: 1, allow: 0n, deny: 0n };
			c.overwrites.push(o);
		}
		if (kind === 'deny') {
			o.deny |= bits;
			o.allow &= ~bits;
		} else {
			o.allow |= bits;
			o.deny &= ~bits;
		}
		this.#toGuild(c.guildId, isThread(c) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', this.#channelPayload(c));
	}

	#permissionsIn(c: ChannelState, memberId: string, roleIds: string[]): bigint {
		const g = this.#guilds.get(c.guildId);
		if (!g) return 0n;
		// Threads inherit their parent's overwrites.
		const source = isThread(c) ? (this.#channels.get(c.parentId ?? '') ?? c) : c;
		return computePermissions({
			guildId: g.id,
			memberId,
			ownerId: g.ownerId,
			memberRoleIds: roleIds,
			rolePermissions: new Map([...g.roles.values()].map((r) => [r.id, r.permissions])),
			overwrites: source.overwrites,
		});
	}

	#channelPayload(c: ChannelState): Json {
		const base: Json = {
			id: c.id,
			type: c.type,
			guild_id: c.guildId,
			name: c.name,
			position: c.position,
			permission_overwrites: c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() })),
			parent_id: c.parentId ?? null,
			nsfw: false,
			rate_limit_per_user: 0,
			last_message_id: this.#messages.get(c.id)?.at(-1)?.id ?? null,
			flags: 0,
		};
		if (c.forum) return { ...base, ...forumFields(c.forum) };
		if (!isThread(c)) return { ...base, topic: null };
		return {
			...base,
			...(c.appliedTags ? { applied_tags: [...c.appliedTags] } : {}),
			owner_id: this.appId,
			message_count: this.#messages.get(c.id)?.length ?? 0,
			member_count: 1,
			total_message_sent: this.#messages.get(c.id)?.length ?? 0,
			thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
		};
	}

	#guildPayload(g: GuildState): Json {
		const channels = g.channels.map((id) => this.#channels.get(id)).filter((c): c is ChannelState => c !== undefined);
		return {
			id: g.id,
			name: g.name,
			icon: null,
			splash: null,
			discovery_splash: null,
			banner: null,
			description: null,
			owner_id: g.ownerId,
			afk_channel_id: null,
			afk_timeout: 300,
			verification_level: 0,
			default_message_notifications: 0,
			explicit_content_filter: 0,
			mfa_level: 0,
			nsfw_level: 0,
			premium_tier: 0,
			premium_subscription_count: 0,
			system_channel_id: g.systemChannel ? (g.channels[0] ?? null) : null,
			system_channel_flags: 0,
			rules_channel_id: null,
			public_updates_channel_id: null,
			preferred_locale: g.locale,
			vanity_url_code: null,
			features: [],
			application_id: null,
			max_members: 500_000,
			roles: [...g.roles.values()].map((r) => this.#rolePayload(g, r)),
			emojis: [],
			stickers: [],
			joined_at: new Date().toISOString(),
			large: false,
			unavailable: false,
			member_count: 2,
			voice_states: [],
			members: [memberPayload(this.botUser, [g.botRoleId])],
			channels: channels.filter((c) => !isThread(c)).map((c) => this.#channelPayload(c)),
			threads: channels.filter((c) => isThread(c)).map((c) => this.#channelPayload(c)),
			presences: [],
			stage_instances: [],
			guild_scheduled_events: [],
			soundboard_sounds: [],
			premium_progress_bar_enabled: false,
		};
	}

	#apiMessage(id: string, channelId: string, body: Json, extra: Json = {}): Json {
		const guildId = this.#channels.get(channelId)?.guildId;
		return messageObject({ id, channelId, author: this.botUser, body, extra, ...(guildId ? { guildId } : {}) });
	}

	#storeMessage(channelId: string, body: Json, id = this.#ids.next()): StoredMessage {
		const m: StoredMessage = { id, channelId, time: Date.now(), body, message: this.#apiMessage(id, channelId, body) };
		const list = this.#messages.get(channelId) ?? [];
		list.push(m);
		this.#messages.set(channelId, list);
		this.#messageById.set(id, m);
		return m;
	}

	// ── REST ─────────────────────────────────────────────────────────────────

	async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', 'http://emulator');
		const path = decodeURIComponent(url.pathname.replace(/^\/api/, '').replace(/^\/v\d+/, ''));
		const method = req.method ?? 'GET';
		const record: RequestRecord = { method, path, query: url.search, body: undefined, status: 0, time: Date.now() };
		this.requests.push(record);
		let reply: Reply;
		try {
			record.body = extractBody(Buffer.concat(chunks), req.headers['content-type']);
			if (req.headers['content-type']?.startsWith('multipart/form-data'))
				record.files = parseMultipart(Buffer.concat(chunks), req.headers['content-type']).files;
			const faulted = this.#takeFault(method, path);
			if (faulted === 'drop') {
				record.fault = true;
				this.#changed();
				req.socket.destroy();
				return;
			}
			if (faulted) record.fault = true;
			reply = faulted ?? this.#route(method, path, url.searchParams, record.body, req.headers.authorization);
		} catch (error) {
			reply = { status: 500, body: { code: 0, message: `500: Internal Server Error (${String(error)})` } };
		}
		record.status = reply.status;
		if (reply.window !== undefined) record.window = reply.window;
		this.#changed();
		const delay = this.#opts.responseDelayMs;
		if (delay) await sleep((delay[0] + Math.random() * (delay[1] - delay[0])) / this.#scale);
		if (res.destroyed) return;
		const headers: Record<string, string> = { ...reply.headers };
		if (reply.body === undefined) {
			res.writeHead(reply.status, headers).end();
		} else {
			res.writeHead(reply.status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(reply.body));
		}
	}

	#takeFault(method: string, path: string): Reply | 'drop' | undefined {
		const f = this.#faults.find(
			(x) => x.left > 0 && (!x.method || x.method.toUpperCase() === method) && (typeof x.path === 'string' ? x.path === path : x.path.test(path)),
		);
		if (!f) return undefined;
		f.left -= 1;
		if (f.drop) return 'drop';
		const status = f.status ?? 500;
		if (status === 429) {
			const retryAfter = f.retryAfter ?? 1;
			return {
				status,
				body: { message: 'You are being rate limited.', retry_after: retryAfter, global: f.global === true, ...(f.code ? { code: f.code } : {}) },
				headers: {
					'retry-after': String(retryAfter),
					'x-ratelimit-limit': '1',
					'x-ratelimit-remaining': '0',
					'x-ratelimit-reset': String((Date.now() + retryAfter * 1000) / 1000),
					'x-ratelimit-reset-after': String(retryAfter),
					'x-ratelimit-bucket': 'emu0fault',
					'x-ratelimit-scope': f.global ? 'global' : 'user',
					...(f.global ? { 'x-ratelimit-global': 'true' } : {}),
				},
			};
		}
		const [code, message] = DEFAULT_FAULT_CODES[status] ?? [0, `${status}: Error`];
		return { status, body: { code: f.code ?? code, message: f.message ?? message } };
	}

	#rateHeaders(v: BucketVerdict, bucket: string): Record<string, string> {
		const resetAfter = Math.max(0, v.resetAt - Date.now()) / 1000;
		return {
			'x-ratelimit-limit': String(v.limit),
			'x-ratelimit-remaining': String(v.remaining),
			'x-ratelimit-reset': (v.resetAt / 1000).toFixed(3),
			'x-ratelimit-reset-after': resetAfter.toFixed(3),
			'x-ratelimit-bucket': bucket,
		};
	}

	#route(method: string, path: string, query: URLSearchParams, body: unknown, auth: string | undefined): Reply {
		const seg = path.split('/').filter(Boolean);
		// Interaction callbacks and interaction webhooks are authorised by their token and exempt from the global limit.
		if (seg[0] === 'interactions' && seg.length === 4 && seg[3] === 'callback' && method === 'POST') {
			return this.#interactionCallback(seg[1] ?? '', seg[2] ?? '', body, query);
		}
		if (seg[0] === 'webhooks' && seg.length >= 3) return this.#webhook(method, seg, body);
		if (auth !== `Bot ${this.token}`) return ERR.unauthorized;
		const global = this.#globalLimiter.take('global', Date.now());
		if (!global.allowed) {
			const retryAfter = Math.max(0.001, (global.resetAt - Date.now()) / 1000);
			return {
				status: 429,
				body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
				headers: { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
			};
		}
		const key = `${method} /${seg.map((s, i) => (/^\d{15,}$/.test(s) && i > 1 ? ':id' : s)).join('/')}`;
		switch (true) {
			case key === 'GET /gateway/bot':
				return {
					status: 200,
					body: {
						url: this.gatewayUrl,
						shards: this.#opts.shardCount ?? 1,
						session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
					},
				};
			case key === 'GET /gateway':
				return { status: 200, body: { url: this.gatewayUrl } };
			case key === 'GET /users/@me':
				return { status: 200, body: this.botUser };
			case key === 'GET /applications/@me':
				return { status: 200, body: { id: this.appId, name: 'Paperboy', bot: this.botUser, flags: 0, description: '', icon: null } };
			case seg[0] === 'applications' && seg.at(-1) === 'commands':
				return this.#commandsRoute(method, seg, body);
			case seg[0] === 'guilds' && seg.length === 2 && method === 'GET': {
				const g = this.#guilds.get(seg[1] ?? '');
				return g ? { status: 200, body: this.#guildPayload(g) } : ERR.unknownGuild;
			}
			case seg[0] === 'guilds' && seg[2] === 'threads' && seg[3] === 'active' && seg.length === 4 && method === 'GET': {
				const g = this.#guilds.get(seg[1] ?? '');
				return g ? { status: 200, body: this.#activeThreads(g) } : ERR.unknownGuild;
			}
			case seg[0] === 'guilds' && seg[2] === 'channels' && seg.length === 3 && method === 'GET': {
				const g = this.#guilds.get(seg[1] ?? '');
				return g ? { status: 200, body: this.#guildPayload(g)['channels'] } : ERR.unknownGuild;
			}
			case key === 'POST /users/@me/channels':
				return this.dms.open(body);
			case seg[0] === 'channels' && this.dms.has(seg[1] ?? ''):
				return seg[2] === 'messages' && seg.length === 3 && method === 'POST' ? this.dms.send(seg[1] ?? '', body) : ERR.notFound;
			case seg[0] === 'channels':
				return this.#channelRoute(method, seg, body, query);
			default:
				return ERR.notFound;
		}
	}

	#invalid(kind: BodyKind, body: unknown): Reply | undefined {
		if (this.#opts.validate === false) return undefined;
		const err: DiscordErrorBody | undefined = validateBody(kind, body);
		return err && { status: 400, body: err };
	}

	#commandsRoute(method: string, seg: string[], body: unknown): Reply {
		if (seg[1] !== this.appId) return { status: 403, body: { code: 50001, message: 'Missing Access' } };
		const scope = seg[2] === 'guilds' ? (seg[3] ?? '') : 'global';
		if (scope !== 'global' && !this.#guilds.has(scope)) return ERR.unknownGuild;
		if (method === 'GET') return { status: 200, body: this.commands(scope === 'global' ? undefined : scope) };
		if (method !== 'PUT') return { status: 405, body: { code: 0, message: '405: Method Not Allowed' } };
		const bad = this.#invalid('commands-bulk', body);
		if (bad) return bad;
		const stored = (body as Json[]).map((cmd) => ({
			...cmd,
			id: this.#ids.next(),
			application_id: this.appId,
			type: cmd['type'] ?? 1,
			version: this.#ids.next(),
			...(scope === 'global' ? {} : { guild_id: scope }),
			default_member_permissions: cmd['default_member_permissions'] ?? null,
		}));
		this.#commands.set(scope, stored);
		return { status: 200, body: stored };
	}

	/** Discord answers 50001 when the bot cannot see a channel and 50013 when it lacks a permission to act in it. */
	#require(c: ChannelState, bits: bigint): Reply | undefined {
		const perms = this.botPermissions(c.id);
		if (!(perms & PermissionFlagsBits.ViewChannel)) return ERR.missingAccess;
		if ((perms & bits) !== bits) return ERR.missingPermissions;
		return undefined;
	}

	#channelRoute(method: string, seg: string[], body: unknown, query: URLSearchParams): Reply {
		const c = this.#channels.get(seg[1] ?? '');
		if (!c) return ERR.unknownChannel;
		const rest = seg.slice(2);
		const json = (typeof body === 'object' && body !== null ? body : {}) as Json;
		if (rest.length === 0 && method === 'GET') return this.#require(c, 0n) ?? { status: 200, body: this.#channelPayload(c) };
		if (rest[0] === 'messages' && rest.length === 1 && method === 'POST') {
			const v = this.#messageLimiter.take(c.id, Date.now());
			const headers = this.#rateHeaders(v, MESSAGE_BUCKET);
			if (!v.allowed) {
				const retryAfter = Math.max(0.001, (v.resetAt - Date.now()) / 1000);
				return {
					status: 429,
					window: v.window,
					body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
					headers: { ...headers, 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-scope': 'user' },
				};
			}
			const r = this.#createMessage(c, json, body);
			return { ...r, window: v.window, headers: { ...headers, ...r.headers } };
		}
		if (rest[0] === 'messages' && rest.length === 1 && method === 'GET') {
			const limit = Number(query.get('limit') ?? 50);
			return (
				this.#require(c, PermissionFlagsBits.ReadMessageHistory) ?? {
					status: 200,
					body: this.messages(c.id)
						.slice(-limit)
						.reverse()
						.map((m) => m.message),
				}
			);
		}
		if (rest[0] === 'messages' && rest.length === 2) {
			const m = this.#messageById.get(rest[1] ?? '');
			if (!m || m.channelId !== c.id) return ERR.unknownMessage;
			if (method === 'GET') return this.#require(c, PermissionFlagsBits.ReadMessageHistory) ?? { status: 200, body: m.message };
			if (method === 'PATCH') {
				const bad = this.#invalid('message-edit', body);
				if (bad) return bad;
				m.message = { ...m.message, ...this.#editFields(json), edited_timestamp: new Date().toISOString() };
				return { status: 200, body: m.message };
			}
			if (method === 'DELETE') {
				this.#messages.set(
					c.id,
					(this.#messages.get(c.id) ?? []).filter((x) => x.id !== m.id),
				);
				this.#messageById.delete(m.id);
				return { status: 204 };
			}
		}
		if (c.forum && method === 'POST' && rest.join('/') === 'threads') return this.#forumPost(c, c.forum, body);
		if (method === 'POST' && (rest.join('/') === 'threads' || (rest[0] === 'messages' && rest[2] === 'threads' && rest.length === 3))) {
			return this.#createThread(c, rest[1] === undefined || rest[0] === 'threads' ? undefined : rest[1], body);
		}
		return ERR.notFound;
	}

	#editFields(body: Json): Json {
		const out: Json = {};
		for (const k of ['content', 'embeds', 'components', 'flags'] as const) if (k in body) out[k] = body[k] ?? (k === 'content' ? '' : k === 'flags' ? 0 : []);
		return out;
	}

	#createMessage(c: ChannelState, json: Json, body: unknown): Reply {
		const denied = this.#require(c, isThread(c) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages);
		if (denied) return denied;
		if (c.forum) return NOT_TEXT;
		const bad = this.#invalid('message-create', body);
		if (bad) return bad;
		if (isEmptyMessage(json)) return ERR.empty;
		if (Array.isArray(json['embeds']) && json['embeds'].length > 0) {
			const noEmbeds = this.#require(c, PermissionFlagsBits.EmbedLinks);
			if (noEmbeds) return noEmbeds;
		}
		const nonce = json['nonce'];
		const nonceKey = nonce != null && json['enforce_nonce'] === true ? `${c.id}:${String(nonce)}` : undefined;
		if (nonceKey) {
			const seen = this.#nonces.get(nonceKey);
			const existing = seen && Date.now() - seen.at < (this.#opts.nonceWindowMs ?? 5 * 60_000) ? this.#messageById.get(seen.id) : undefined;
			if (existing) return { status: 200, body: existing.message };
		}
		const m = this.#storeMessage(c.id, json);
		if (nonceKey) this.#nonces.set(nonceKey, { id: m.id, at: m.time });
		this.#toGuild(c.guildId, 'MESSAGE_CREATE', m.message);
		return { status: 200, body: m.message };
	}

	#createThread(parent: ChannelState, fromMessage: string | undefined, body: unknown): Reply {
		if (parent.type !== 0) return { status: 400, body: { code: 50024, message: 'Cannot execute action on this channel type' } };
		const denied = this.#require(parent, PermissionFlagsBits.CreatePublicThreads);
		if (denied) return denied;
		const bad = this.#invalid(fromMessage ? 'thread-from-message' : 'thread-create', body);
		if (bad) return bad;
		if (fromMessage && !this.#messageById.has(fromMessage)) return ERR.unknownMessage;
		const g = this.#guilds.get(parent.guildId);
		if (!g) return ERR.unknownChannel;
		const json = body as Json;
		const c: ChannelState = {
			// Discord gives a thread started from a message the message's id.
			id: fromMessage ?? this.#ids.next(),
			guildId: g.id,
			type: json['type'] === 12 ? 12 : 11,
			name: String(json['name']),
			position: 0,
			parentId: parent.id,
			overwrites: [],
		};
		this.#channels.set(c.id, c);
		g.channels.push(c.id);
		const payload = this.#channelPayload(c);
		this.#toGuild(g.id, 'THREAD_CREATE', { ...payload, newly_created: true });
		return { status: 201, body: payload };
	}

	/**
	 * A forum post: a public thread in the forum and its starter message, which share one id. In a
	 * forum Send Messages is "Create Posts". The starter is checked like any message.
	 */
	#forumPost(forum: ChannelState, state: ForumState, body: unknown): Reply {
		const denied = this.#require(forum, PermissionFlagsBits.SendMessages);
		if (denied) return denied;
		const refused = refusePost(state, body, this.#opts.validate !== false);
		if (refused) return refused;
		const message = starterMessage(body);
		if (isEmptyMessage(message)) return ERR.empty;
		if (Array.isArray(message['embeds']) && message['embeds'].length > 0) {
			const noEmbeds = this.#require(forum, PermissionFlagsBits.EmbedLinks);
			if (noEmbeds) return noEmbeds;
		}
		const g = this.#guilds.get(forum.guildId);
		if (!g) return ERR.unknownChannel;
		const id = this.#ids.next();
		const thread: ChannelState = {
			id,
			guildId: g.id,
			type: 11,
			name: String((body as Json)['name']),
			position: 0,
			parentId: forum.id,
			overwrites: [],
			appliedTags: knownTags(state, body),
		};
		this.#channels.set(id, thread);
		g.channels.push(id);
		const m = this.#storeMessage(id, message, id);
		this.#toGuild(g.id, 'THREAD_CREATE', { ...this.#channelPayload(thread), newly_created: true });
		this.#toGuild(g.id, 'MESSAGE_CREATE', m.message);
		return { status: 201, body: { ...this.#channelPayload(thread), message: m.message } };
	}

	#activeThreads(g: GuildState): Json {
		const threads = g.channels.map((id) => this.#channels.get(id)).filter((c): c is ChannelState => c !== undefined && isThread(c));
		return { threads: threads.map((c) => this.#channelPayload(c)), members: [] };
	}

	#interactionCallback(id: string, token: string, body: unknown, query: URLSearchParams): Reply {
		const state = this.#interactions.get(id);
		if (!state || state.token !== token) return ERR.unknownInteraction;
		if (state.callback) return ERR.acknowledged;
		const bad = this.#invalid('interaction-callback', body);
		if (bad) return bad;
		const cb = body as InteractionCallback;
		state.callback = cb.data === undefined ? { type: cb.type } : { type: cb.type, data: cb.data };
		state.answeredAt = Date.now();
		const data = cb.data ?? {};
		let resource: Json | undefined;
		if (cb.type === 4 || cb.type === 5) {
			state.original = this.#apiMessage(this.#ids.next(), state.channelId, cb.type === 5 ? { content: '', flags: Number(data['flags'] ?? 0) | 128 } : data, {
				webhook_id: this.appId,
				application_id: this.appId,
				interaction_metadata: {
					id: state.id,
					type: state.payload['type'],
					user: (state.payload['member'] as Json)['user'],
					authorizing_integration_owners: state.payload['authorizing_integration_owners'],
				},
				type: state.payload['type'] === 2 ? 20 : 0,
			});
			resource = { type: cb.type, message: state.original };
		} else if (cb.type === 7) {
			const msg = state.payload['message'] as Json | undefined;
			state.original = { ...msg, ...this.#editFields(data), edited_timestamp: new Date().toISOString() };
			const stored = this.#messageById.get(String(msg?.['id']));
			if (stored) stored.message = state.original;
			resource = { type: 7, message: state.original };
		} else if (cb.type === 6) {
			const msg = state.payload['message'] as Json | undefined;
			if (msg) state.original = msg;
		}
		this.#changed();
		if (query.get('with_response') !== 'true') return { status: 204 };
		return {
			status: 200,
			body: {
				interaction: {
					id: state.id,
					type: state.payload['type'],
					activity_instance_id: null,
					response_message_id: state.original?.['id'] ?? null,
					response_message_loading: cb.type === 5,
					response_message_ephemeral: (Number(data['flags'] ?? 0) & 64) !== 0,
				},
				...(resource ? { resource } : {}),
			},
		};
	}

	#webhook(method: string, seg: string[], body: unknown): Reply {
		const [, appId, token, sub, messageId] = seg;
		const state = this.#byToken.get(token ?? '');
		if (appId !== this.appId || !state) return ERR.unknownWebhook;
		if (!state.callback) return ERR.unknownWebhook;
		const json = (typeof body === 'object' && body !== null ? body : {}) as Json;
		if (sub === undefined && method === 'POST') {
			const bad = this.#invalid('webhook-execute', body);
			if (bad) return bad;
			if (isEmptyMessage(json)) return ERR.empty;
			const msg = this.#apiMessage(this.#ids.next(), state.channelId, json, { webhook_id: this.appId, application_id: this.appId });
			state.followups.push({ ...json, id: msg['id'] });
			this.#changed();
			return { status: 200, body: msg };
		}
		if (sub !== 'messages' || messageId === undefined) return ERR.notFound;
		const isOriginal = messageId === '@original' || messageId === state.original?.['id'];
		if (!isOriginal) return ERR.unknownMessage;
		if (!state.original) return ERR.unknownMessage;
		if (method === 'GET') return { status: 200, body: state.original };
		if (method === 'PATCH') {
			const bad = this.#invalid('webhook-edit', body);
			if (bad) return bad;
			const flags = Number(state.original['flags'] ?? 0) & ~128;
			state.original = { ...state.original, flags, ...this.#editFields(json), edited_timestamp: new Date().toISOString() };
			state.edits.push(json);
			this.#changed();
			return { status: 200, body: state.original };
		}
		if (method === 'DELETE') {
			delete state.original;
			this.#changed();
			return { status: 204 };
		}
		return ERR.notFound;
	}
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
	const emu = new Emulator(opts);
	await emu.listen();
	return emu;
}
