import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

interface Frame {
	op: number;
	d: unknown;
	s: number | null;
	t: string | null;
}

export interface GatewaySession {
	readonly id: string;
	readonly shard: readonly [number, number];
	seq: number;
	/** Every dispatch, kept so a RESUME can replay what the client missed. */
	readonly events: Frame[];
	ws: WebSocket | undefined;
	/** How the session's sockets ended: identify, resume, and close codes, in order. */
	readonly history: string[];
}

export interface GatewayHooks {
	token: string;
	url: () => string;
	heartbeatIntervalMs: number;
	/** READY's payload minus session fields, and the GUILD_CREATE payloads for the shard. */
	ready: (shard: readonly [number, number]) => { ready: Record<string, unknown>; guilds: unknown[] };
	onEvent?: (ev: { kind: 'identify' | 'resume' | 'close' | 'invalid'; shard?: readonly [number, number]; code?: number; sessionId?: string }) => void;
}

const MAX_REPLAY = 5000;

export class Gateway {
	readonly #wss: WebSocketServer;
	readonly #sessions = new Map<string, GatewaySession>();
	/** Current session per shard key `id/count`: the one guild events go to. */
	readonly #byShard = new Map<string, GatewaySession>();
	readonly #sockets = new Set<WebSocket>();

	constructor(
		server: Server,
		readonly hooks: GatewayHooks,
	) {
		this.#wss = new WebSocketServer({ server });
		this.#wss.on('connection', (ws) => this.#accept(ws));
	}

	sessions(): GatewaySession[] {
		return [...this.#byShard.values()];
	}

	#send(ws: WebSocket, frame: Frame): void {
		if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
	}

	#accept(ws: WebSocket): void {
		this.#sockets.add(ws);
		let session: GatewaySession | undefined;
		this.#send(ws, { op: 10, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs, _trace: ['emulator'] }, s: null, t: null });
		ws.on('message', (raw) => {
			let frame: Frame;
			try {
				frame = JSON.parse(String(raw)) as Frame;
			} catch {
				ws.close(4002, 'Error while decoding payload.');
				return;
			}
			switch (frame.op) {
				case 1:
					this.#send(ws, { op: 11, d: null, s: null, t: null });
					return;
				case 2:
					session = this.#identify(ws, frame.d as Record<string, unknown>);
					return;
				case 6:
					session = this.#resume(ws, frame.d as Record<string, unknown>);
					return;
				default:
					// Presence/voice updates and request-guild-members: accepted and ignored.
					return;
			}
		});
		ws.on('close', (code) => {
			this.#sockets.delete(ws);
			if (session && session.ws === ws) {
				session.ws = undefined;
				session.history.push(`close:${code}`);
				this.hooks.onEvent?.({ kind: 'close', shard: session.shard, code, sessionId: session.id });
			}
		});
		ws.on('error', () => {});
	}

	#identify(ws: WebSocket, d: Record<string, unknown>): GatewaySession | undefined {
		if (d['token'] !== this.hooks.token && d['token'] !== `Bot ${this.hooks.token}`) {
			ws.close(4004, 'Authentication failed.');
			return undefined;
		}
		const raw = d['shard'];
		const shard: [number, number] = Array.isArray(raw) && raw.length === 2 ? [Number(raw[0]), Number(raw[1])] : [0, 1];
		if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
			ws.close(4010, 'Invalid shard.');
			return undefined;
		}
		const key = `${shard[0]}/${shard[1]}`;
		const old = this.#byShard.get(key);
		if (old?.ws && old.ws !== ws) old.ws.close(4009, 'Session replaced.');
		const session: GatewaySession = { id: randomUUID().replaceAll('-', ''), shard, seq: 0, events: [], ws, history: ['identify'] };
		this.#sessions.set(session.id, session);
		this.#byShard.set(key, session);
		this.hooks.onEvent?.({ kind: 'identify', shard, sessionId: session.id });
		const { ready, guilds } = this.hooks.ready(shard);
		this.dispatch(session, 'READY', { ...ready, session_id: session.id, resume_gateway_url: this.hooks.url(), shard });
		for (const g of guilds) this.dispatch(session, 'GUILD_CREATE', g);
		return session;
	}

	#resume(ws: WebSocket, d: Record<string, unknown>): GatewaySession | undefined {
		const session = typeof d['session_id'] === 'string' ? this.#sessions.get(d['session_id']) : undefined;
		const current = session && this.#byShard.get(`${session.shard[0]}/${session.shard[1]}`) === session;
		if (d['token'] !== this.hooks.token && d['token'] !== `Bot ${this.hooks.token}`) {
			ws.close(4004, 'Authentication failed.');
			return undefined;
		}
		if (!session || !current) {
			this.hooks.onEvent?.({ kind: 'invalid' });
			this.#send(ws, { op: 9, d: false, s: null, t: null });
			return undefined;
		}
		if (session.ws && session.ws !== ws) session.ws.close(4009, 'Session resumed elsewhere.');
		session.ws = ws;
		session.history.push('resume');
		this.hooks.onEvent?.({ kind: 'resume', shard: session.shard, sessionId: session.id });
		const after = typeof d['seq'] === 'number' ? d['seq'] : 0;
		for (const frame of session.events) if ((frame.s ?? 0) > after) this.#send(ws, frame);
		this.dispatch(session, 'RESUMED', { _trace: ['emulator'] });
		return session;
	}

	/** Sequence an event on a session; it is sent now if the socket is open and replayed on RESUME otherwise. */
	dispatch(session: GatewaySession, t: string, d: unknown): void {
		const frame: Frame = { op: 0, t, s: ++session.seq, d };
		session.events.push(frame);
		if (session.events.length > MAX_REPLAY) session.events.shift();
		if (session.ws) this.#send(session.ws, frame);
	}

	/** Sends to the current session of every shard for which `match(shard)` holds. */
	broadcast(match: (shard: readonly [number, number]) => boolean, t: string, d: unknown): number {
		let n = 0;
		for (const s of this.#byShard.values()) {
			if (match(s.shard)) {
				this.dispatch(s, t, d);
				n += 1;
			}
		}
		return n;
	}

	close(code: number, shardId?: number): number {
		let n = 0;
		for (const s of this.#byShard.values()) {
			if (s.ws && (shardId === undefined || s.shard[0] === shardId)) {
				s.ws.close(code, 'Closed by the emulator.');
				n += 1;
			}
		}
		return n;
	}

	async stop(): Promise<void> {
		for (const ws of this.#sockets) ws.terminate();
		await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
	}
}
