import { messageObject } from './message.ts';
import type { FixedWindowLimiter } from './ratelimit.ts';
import { isEmptyMessage, validateBody } from './validate.ts';

/*
 * What members' features need from the emulator, beside emulator.ts: files uploaded with a
 * request (multipart/form-data with `payload_json`), message context-menu interactions, and
 * direct messages (`POST /users/@me/channels`, then messages to that channel; 50007 for a user
 * who does not take DMs from the bot).
 */

type Json = Record<string, unknown>;

export interface UploadedFile {
	/** The form field: `files[0]`, … */
	field: string;
	filename: string;
	contentType: string;
	data: Buffer;
}

interface Part {
	headers: string;
	body: Buffer;
}

function parts(raw: Buffer, contentType: string): Part[] {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	const marker = boundary?.[1] ?? boundary?.[2];
	if (!marker) return [];
	const delimiter = Buffer.from(`--${marker}`);
	const out: Part[] = [];
	let at = raw.indexOf(delimiter);
	while (at !== -1) {
		const start = at + delimiter.length;
		if (raw.subarray(start, start + 2).toString() === '--') break;
		const next = raw.indexOf(delimiter, start);
		if (next === -1) break;
		// Each part: CRLF, headers, blank line, body, CRLF before the next delimiter.
		const part = raw.subarray(start + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		if (split !== -1) out.push({ headers: part.subarray(0, split).toString('utf8'), body: part.subarray(split + 4) });
		at = next;
	}
	return out;
}

/** The JSON part and the files of a multipart body, byte for byte. */
export function parseMultipart(raw: Buffer, contentType: string): { json: unknown; files: UploadedFile[] } {
	let json: unknown;
	const files: UploadedFile[] = [];
	for (const p of parts(raw, contentType)) {
		const name = /name="([^"]*)"/.exec(p.headers)?.[1] ?? '';
		const filename = /filename="([^"]*)"/.exec(p.headers)?.[1];
		if (name === 'payload_json') json = JSON.parse(p.body.toString('utf8')) as unknown;
		else if (filename !== undefined) {
			files.push({
				field: name,
				filename,
				contentType: /content-type:\s*([^\r\n]+)/i.exec(p.headers)?.[1] ?? 'application/octet-stream',
				data: Buffer.from(p.body),
			});
		}
	}
	return { json, files };
}

/** The attachments a message shows for the files its request carried. */
export function attachmentsFor(files: readonly UploadedFile[] | undefined, nextId: () => string): Json[] {
	return (files ?? []).map((f) => {
		const id = nextId();
		return {
			id,
			filename: f.filename,
			size: f.data.length,
			url: `https://cdn.discordapp.test/attachments/${id}/${f.filename}`,
			proxy_url: `https://media.discordapp.test/attachments/${id}/${f.filename}`,
			content_type: f.contentType,
		};
	});
}

/** Files sent with an interaction's callback, follow-ups and edits, in request order. */
export function interactionFiles(requests: ReadonlyArray<{ path: string; files?: UploadedFile[] }>, id: string, token: string): UploadedFile[] {
	return requests.filter((r) => r.path.startsWith(`/interactions/${id}/`) || r.path.includes(`/${token}`)).flatMap((r) => r.files ?? []);
}

/** The data of a message context-menu command (Apps → name) on `message`. */
export function messageCommandData(name: string, message: Json, commandId?: string): Json {
	const id = String(message['id']);
	return { ...(commandId ? { id: commandId } : {}), type: 3, name, target_id: id, resolved: { messages: { [id]: message } } };
}

export interface DirectMessage {
	id: string;
	channelId: string;
	userId: string;
	time: number;
	body: Json;
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

const CANNOT_MESSAGE = { status: 403, body: { code: 50007, message: 'Cannot send messages to this user' } };

/** Direct-message channels, one per user, and what the bot sent there. */
export class DirectMessages {
	readonly #channelOf = new Map<string, string>();
	readonly #userOf = new Map<string, string>();
	readonly #closed = new Set<string>();
	readonly #sent: DirectMessage[] = [];
	readonly #nonces = new Map<string, { id: string; at: number }>();

	constructor(
		private readonly deps: {
			nextId: () => string;
			limiter: FixedWindowLimiter;
			botUser: Json;
			nonceWindowMs: () => number;
			validate: () => boolean;
			changed: () => void;
		},
	) {}

	/** The user does not take DMs from the bot (privacy settings, or blocked it): sends answer 50007. */
	refuseDms(userId: string, refuse = true): void {
		if (refuse) this.#closed.add(userId);
		else this.#closed.delete(userId);
	}

	/** What the bot sent a user by DM, oldest first. */
	sentTo(userId: string): DirectMessage[] {
		return this.#sent.filter((m) => m.userId === userId);
	}

	all(): DirectMessage[] {
		return [...this.#sent];
	}

	has(channelId: string): boolean {
		return this.#userOf.has(channelId);
	}

	#channel(userId: string): Json {
		let id = this.#channelOf.get(userId);
		if (!id) {
			id = this.deps.nextId();
			this.#channelOf.set(userId, id);
			this.#userOf.set(id, userId);
		}
		return {
			id,
			type: 1,
			last_message_id: null,
			flags: 0,
			recipients: [{ id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }],
		};
	}

	/** `POST /users/@me/channels` with `{ recipient_id }`: the same channel each time, as Discord answers. */
	open(body: unknown): Reply {
		const recipient = (body as Json | undefined)?.['recipient_id'];
		if (typeof recipient !== 'string' || !/^\d{15,}$/.test(recipient)) return { status: 400, body: { code: 50035, message: 'Invalid Form Body' } };
		return { status: 200, body: this.#channel(recipient) };
	}

	/** `POST /channels/{dm}/messages`, rate-limited per channel like any other. */
	send(channelId: string, body: unknown): Reply {
		const userId = this.#userOf.get(channelId) ?? '';
		const v = this.deps.limiter.take(channelId, Date.now());
		if (!v.allowed) {
			const retryAfter = Math.max(0.001, (v.resetAt - Date.now()) / 1000);
			return {
				status: 429,
				body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
				headers: { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-scope': 'user' },
			};
		}
		if (this.#closed.has(userId)) return CANNOT_MESSAGE;
		const bad = this.deps.validate() ? validateBody('message-create', body) : undefined;
		if (bad) return { status: 400, body: bad };
		const json = (body ?? {}) as Json;
		if (isEmptyMessage(json)) return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } };
		const nonce = json['nonce'];
		const nonceKey = nonce != null && json['enforce_nonce'] === true ? `${channelId}:${String(nonce)}` : undefined;
		const seen = nonceKey ? this.#nonces.get(nonceKey) : undefined;
		if (seen && Date.now() - seen.at < this.deps.nonceWindowMs()) return { status: 200, body: this.#apiMessage(seen.id, channelId, json) };
		const m: DirectMessage = { id: this.deps.nextId(), channelId, userId, time: Date.now(), body: json };
		this.#sent.push(m);
		if (nonceKey) this.#nonces.set(nonceKey, { id: m.id, at: m.time });
		this.deps.changed();
		return { status: 200, body: this.#apiMessage(m.id, channelId, json) };
	}

	#apiMessage(id: string, channelId: string, json: Json): Json {
		// A DM's message carries no components and no flags of the sender's.
		return messageObject({ id, channelId, author: this.deps.botUser, body: { content: json['content'], embeds: json['embeds'] } });
	}
}
