import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../src/log.ts';
import { parseCommandLine, withFocus, type CommandDef } from './command-line.ts';
import { channelTimeline, type SentInteraction } from './timeline.ts';
import { MEMBERS, type DemoWorld, type MemberKey } from './world.ts';

const ROOT = join(import.meta.dirname, '..');
const PUBLIC = join(import.meta.dirname, 'public');
/** The renderer and what it imports, served to the page as ES modules; nothing else of node_modules. */
const VENDOR = ['@skyra/discord-components-core', 'lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit/context'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const BODY_MAX = 64 * 1024;

const Member = z.enum(['admin', 'member']);
const Locale = z.enum(['ko', 'en-US']);
const CommandBody = z.object({ channelId: z.string(), member: Member, locale: Locale, line: z.string().max(2000) });
const ComponentBody = z.object({
	channelId: z.string(),
	member: Member,
	locale: Locale,
	ref: z.string(),
	customId: z.string().max(100),
	componentType: z.number().int(),
	values: z.array(z.string()).max(25).optional(),
});
const PermissionBody = z.object({ channelId: z.string(), canPost: z.boolean() });

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
	let size = 0;
	const chunks: Buffer[] = [];
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > BODY_MAX) throw new BadRequest('body too large');
		chunks.push(chunk);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
	} catch {
		throw new BadRequest('body is not JSON');
	}
}

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
	res.end(JSON.stringify(body));
}

/**
 * The demo page's server: the page, the renderer's modules, the state of the embedded Discord
 * (channels, messages as the viewer sees them), and what the page does as a member — commands,
 * autocomplete, clicks, a dropped digest, a channel's permission — sent to the bot as Discord
 * would send them. Server-sent events tell the page when anything changed.
 */
export function demoServer(world: DemoWorld, logger: Logger): { server: Server; listen(port: number): Promise<number> } {
	const sent: SentInteraction[] = [];
	const denied = new Set<string>();
	const names = {
		member: (m: MemberKey) => MEMBERS[m].name,
		channel: (id: string) => world.channels.get(id) ?? String(world.emu.channel(id)?.['name'] ?? id),
	};
	const commands = () => world.emu.commands(world.guildId) as unknown as CommandDef[];
	const channelList = () =>
		world.emu.guild(world.guildId).channels.map((id) => {
			const c = world.emu.channel(id) ?? {};
			return { id, name: String(c['name'] ?? id), parentId: (c['parent_id'] as string | null) ?? null, thread: c['type'] === 11, canPost: !denied.has(id) };
		});

	function interact(member: MemberKey, channelId: string, locale: string, type: 2 | 3 | 4, data: Record<string, unknown>, message?: Record<string, unknown>) {
		return world.emu.interact({
			guildId: world.guildId,
			channelId,
			userId: world.userIds[member],
			permissions: MEMBERS[member].permissions,
			locale,
			type,
			data,
			...(message ? { message } : {}),
		});
	}

	function messageFor(ref: string): Record<string, unknown> | undefined {
		const [kind, id, n] = ref.split(':');
		if (kind === 'channel')
			return world.emu
				.messages(world.emu.guild(world.guildId).channels.find((c) => world.emu.messages(c).some((m) => m.id === id)) ?? '')
				.find((m) => m.id === id)?.message;
		const s = sent.find((x) => x.handle.id === id);
		return s ? [s.handle.original(), ...s.handle.followups()][Number(n)] : undefined;
	}

	async function api(method: string, path: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (method === 'GET' && path === '/api/state') {
			const viewer = Member.catch('admin').parse(url.searchParams.get('viewer'));
			const channelId = url.searchParams.get('channel') ?? world.emu.guild(world.guildId).channels[0] ?? '';
			return send(res, 200, {
				guild: { id: world.guildId, name: world.emu.guild(world.guildId).name },
				members: Object.entries(MEMBERS).map(([key, m]) => ({ key, name: m.name })),
				channels: channelList(),
				commands: commands(),
				messages: channelTimeline(world.emu, channelId, sent, viewer, names),
				today: world.clock.now().toISOString().slice(0, 10),
			});
		}
		if (method === 'POST' && path === '/api/command') {
			const body = CommandBody.parse(await readJson(req));
			const parsed = parseCommandLine(body.line, commands(), new Map(channelList().map((c) => [c.id, c.name])));
			if (!parsed.ok) return send(res, 400, { error: parsed.error });
			const handle = interact(body.member, body.channelId, body.locale, 2, parsed.data);
			sent.push({ at: Date.now(), channelId: body.channelId, member: body.member, command: body.line.trim(), handle });
			// A deferred command is answered by its first edit: the page's command is done when the member sees it.
			const first = await handle.response(10_000).catch(() => undefined);
			if (first?.type === 5) await handle.waitForEdits(1, 10_000).catch(() => undefined);
			return send(res, 200, { ok: true });
		}
		if (method === 'POST' && path === '/api/autocomplete') {
			const body = CommandBody.parse(await readJson(req));
			const parsed = parseCommandLine(body.line, commands(), new Map(channelList().map((c) => [c.id, c.name])));
			if (!parsed.ok || !parsed.focused) return send(res, 200, { choices: [] });
			withFocus(parsed.data, parsed.focused);
			const handle = interact(body.member, body.channelId, body.locale, 4, parsed.data);
			const answer = await handle.response(5_000).catch(() => undefined);
			return send(res, 200, { option: parsed.focused.name, choices: (answer?.data?.['choices'] as unknown[] | undefined) ?? [] });
		}
		if (method === 'POST' && path === '/api/component') {
			const body = ComponentBody.parse(await readJson(req));
			const message = messageFor(body.ref);
			if (!message) return send(res, 404, { error: 'no such message' });
			const data = { custom_id: body.customId, component_type: body.componentType, ...(body.values ? { values: body.values } : {}) };
			const handle = interact(body.member, body.channelId, body.locale, 3, data, message);
			sent.push({ at: Date.now(), channelId: body.channelId, member: body.member, command: null, handle });
			await handle.response(10_000).catch(() => undefined);
			return send(res, 200, { ok: true });
		}
		if (method === 'POST' && path === '/api/drop') {
			const date = await world.dropNextDigest();
			logger.info({ date }, 'demo: dropped a digest');
			return send(res, 200, { date });
		}
		if (method === 'POST' && path === '/api/permission') {
			const body = PermissionBody.parse(await readJson(req));
			if (body.canPost) {
				world.emu.allowPermission(body.channelId, 'SendMessages');
				denied.delete(body.channelId);
			} else {
				world.emu.denyPermission(body.channelId, 'SendMessages');
				denied.add(body.channelId);
			}
			version += 1;
			return send(res, 200, { ok: true });
		}
		return send(res, 404, { error: 'not found' });
	}

	async function file(path: string, res: ServerResponse): Promise<void> {
		let real: string | undefined;
		if (path === '/') real = join(PUBLIC, 'index.html');
		else if (path.startsWith('/vendor/')) {
			const rest = normalize(decodeURIComponent(path.slice('/vendor/'.length)));
			if (VENDOR.some((p) => rest.startsWith(`${p}${sep}`)) && !rest.includes('..')) real = join(ROOT, 'node_modules', rest);
		} else if (/^\/[\w-]+\.(js|css)$/.test(path)) real = join(PUBLIC, path.slice(1));
		if (!real) return send(res, 404, { error: 'not found' });
		try {
			const body = await readFile(real);
			res.writeHead(200, { 'content-type': TYPES[extname(real)] ?? 'application/octet-stream' });
			res.end(body);
		} catch {
			send(res, 404, { error: 'not found' });
		}
	}

	// Every REST call the bot makes, and every permission switch, is a change the page may show.
	let version = 0;
	const listeners = new Set<ServerResponse>();
	let seen = -1;
	const tick = setInterval(() => {
		const now = world.emu.requests.length + version;
		if (now === seen) return;
		seen = now;
		for (const res of listeners) res.write(`data: ${now}\n\n`);
	}, 150);
	tick.unref();

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		if (method === 'GET' && url.pathname === '/api/events') {
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
			res.write(`data: ${seen}\n\n`);
			listeners.add(res);
			req.on('close', () => listeners.delete(res));
			return;
		}
		const done = url.pathname.startsWith('/api/') ? api(method, url.pathname, url, req, res) : file(url.pathname, res);
		done.catch((err: unknown) => {
			const bad = err instanceof BadRequest || err instanceof z.ZodError;
			if (!bad) logger.error({ err, path: url.pathname }, 'demo request failed');
			if (!res.headersSent) send(res, bad ? 400 : 500, { error: bad ? String((err as Error).message) : 'the demo server failed; see its log' });
		});
	});
	server.on('close', () => {
		clearInterval(tick);
		for (const res of listeners) res.end();
	});
	return {
		server,
		// Loopback only: the demo is for the person at this machine.
		listen: (port) =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
			}),
	};
}
