import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordAPIError, EmbedBuilder, Routes, type Client, type TextChannel } from 'discord.js';
import { startEmulator, validateBody, embedsLength, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';

function catchError(p: Promise<unknown>): Promise<unknown> {
	return p.then(
		() => undefined,
		(e: unknown) => e,
	);
}

describe('emulator REST', () => {
	let emu: Emulator;
	let client: Client<true>;
	let guildId: string;
	let channelIds: string[];

	// Windows divided by 10: a 5 s message bucket lasts 500 ms here.
	beforeAll(async () => {
		emu = await startEmulator({ rateLimits: { scale: 10, channelMessages: { limit: 5, windowMs: 5000 } } });
		const g = emu.addGuild({ channels: 8 });
		guildId = g.id;
		channelIds = g.channels;
		client = await connectClient(emu);
	});

	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	const channel = (n: number): TextChannel => {
		const c = client.channels.cache.get(channelIds[n] ?? '');
		if (!c || !c.isTextBased() || c.isDMBased()) throw new Error(`channel ${n} not cached`);
		return c as TextChannel;
	};
	const posts = (channelId: string) => emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);

	it('stores created messages in order with ids, readable by GET', async () => {
		const c = channel(0);
		const a = await c.send({ content: 'one', allowedMentions: { parse: [] } });
		const b = await c.send({ embeds: [new EmbedBuilder().setTitle('Two').setURL('https://arxiv.org/abs/2412.04887')] });
		const stored = emu.messages(c.id);
		expect(stored.map((m) => m.id)).toEqual([a.id, b.id]);
		expect(stored[0]?.body['allowed_mentions']).toEqual({ parse: [] });
		expect(stored[1]?.body['embeds']).toEqual([{ title: 'Two', url: 'https://arxiv.org/abs/2412.04887' }]);
		const fetched = await c.messages.fetch({ message: a.id, force: true });
		expect(fetched.content).toBe('one');
		const raw = (await client.rest.get(Routes.channel(c.id))) as { id: string; type: number };
		expect(raw).toMatchObject({ id: c.id, type: 0 });
	});

	it('rejects 11 embeds with 400 50035 and an errors object, surfaced as DiscordAPIError', async () => {
		const embeds = Array.from({ length: 11 }, (_, i) => ({ title: `p${i}` }));
		const error = await catchError(channel(1).send({ embeds }));
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect(error).toMatchObject({ status: 400, code: 50035 });
		expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
		expect(emu.messages(channel(1).id)).toHaveLength(0);
	});

	it('rejects embeds totalling 6001 characters, which the spec alone allows', async () => {
		const embeds = [{ description: 'a'.repeat(4000) }, { description: 'b'.repeat(2001) }];
		expect(embedsLength(embeds)).toBe(6001);
		const error = await catchError(channel(1).send({ embeds }));
		expect(error).toMatchObject({ status: 400, code: 50035 });
		expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
		await channel(1).send({ embeds: [{ description: 'a'.repeat(4000) }, { description: 'b'.repeat(2000) }] });
		expect(emu.messages(channel(1).id)).toHaveLength(1);
	});

	it('answers a 429 with Retry-After, which discord.js waits out and retries', async () => {
		const c = channel(2);
		emu.fault({ method: 'POST', path: `/channels/${c.id}/messages`, status: 429, retryAfter: 0.2 });
		await c.send('after 429');
		expect(posts(c.id).map((r) => r.status)).toEqual([429, 200]);
		expect(emu.messages(c.id)).toHaveLength(1);
	});

	it('answers a global 429 with X-RateLimit-Global, which discord.js also waits out', async () => {
		const c = channel(2);
		emu.fault({ path: /\/channels\/\d+\/messages$/, status: 429, retryAfter: 0.2, global: true });
		await c.send('after global 429');
		expect(posts(c.id).map((r) => r.status)).toEqual([429, 200, 429, 200]);
	});

	it('retries 500 and 502 and then succeeds', async () => {
		const c = channel(3);
		emu.fault({ path: `/channels/${c.id}/messages`, status: 500 });
		emu.fault({ path: `/channels/${c.id}/messages`, status: 502 });
		await c.send('after 5xx');
		expect(posts(c.id).map((r) => r.status)).toEqual([500, 502, 200]);
	});

	// @discordjs/rest retries aborts and ECONNRESET but not undici's "other side closed": callers must retry.
	it('surfaces a dropped connection as an error without creating the message', async () => {
		const c = channel(3);
		emu.fault({ path: `/channels/${c.id}/messages`, drop: true });
		const error = await catchError(c.send('dropped'));
		expect(error).toBeInstanceOf(Error);
		expect(error).not.toBeInstanceOf(DiscordAPIError);
		await c.send('after drop');
		expect(emu.messages(c.id).map((m) => m.body['content'])).toEqual(['after 5xx', 'after drop']);
	});

	it('surfaces injected 403 and 404 faults with their codes', async () => {
		const c = channel(4);
		emu.fault({ path: `/channels/${c.id}/messages`, status: 403, code: 50001 });
		emu.fault({ path: `/channels/${c.id}/messages`, status: 404 });
		expect(await catchError(c.send('x'))).toMatchObject({ status: 403, code: 50001 });
		expect(await catchError(c.send('x'))).toMatchObject({ status: 404, code: 10003 });
	});

	it('enforces denied permissions: 50013 for Send Messages and Embed Links, 50001 for View Channel', async () => {
		const c = channel(5);
		emu.denyPermission(c.id, 'EmbedLinks');
		expect(await catchError(c.send({ embeds: [{ title: 'x' }] }))).toMatchObject({ status: 403, code: 50013 });
		await c.send('text still allowed');
		emu.denyPermission(c.id, 'SendMessages');
		expect(await catchError(c.send('x'))).toMatchObject({ status: 403, code: 50013 });
		emu.denyPermission(c.id, 'ViewChannel');
		expect(await catchError(c.send('x'))).toMatchObject({ status: 403, code: 50001 });
		expect(emu.messages(c.id)).toHaveLength(1);
	});

	it('answers 404 10003 for a deleted channel', async () => {
		const id = channel(6).id;
		emu.deleteChannel(id);
		const error = await catchError(client.rest.post(Routes.channelMessages(id), { body: { content: 'x' } }));
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect(error).toMatchObject({ status: 404, code: 10003 });
	});

	it('spreads 12 messages to one channel over at least 3 bucket windows of 5', async () => {
		const c = channel(7);
		await Promise.all(Array.from({ length: 12 }, (_, i) => c.send(`m${i}`)));
		const ok = posts(c.id).filter((r) => r.status === 200);
		expect(ok).toHaveLength(12);
		const perWindow = new Map<number, number>();
		for (const r of ok) perWindow.set(r.window ?? -1, (perWindow.get(r.window ?? -1) ?? 0) + 1);
		expect(perWindow.size).toBeGreaterThanOrEqual(3);
		expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(5);
		expect(emu.messages(c.id).map((m) => m.body['content'])).toHaveLength(12);
	});

	it('returns the first message for a repeated nonce with enforce_nonce in the same channel', async () => {
		const c = channel(0);
		const before = emu.messages(c.id).length;
		const body = { content: 'digest 1/3', nonce: 'c1:2024-12-09:0', enforce_nonce: true };
		const a = (await client.rest.post(Routes.channelMessages(c.id), { body })) as { id: string };
		const b = (await client.rest.post(Routes.channelMessages(c.id), { body })) as { id: string };
		expect(b.id).toBe(a.id);
		const other = (await client.rest.post(Routes.channelMessages(channel(1).id), { body })) as { id: string };
		expect(other.id).not.toBe(a.id);
		const unenforced = (await client.rest.post(Routes.channelMessages(c.id), { body: { ...body, enforce_nonce: false } })) as { id: string };
		expect(unenforced.id).not.toBe(a.id);
		expect(emu.messages(c.id)).toHaveLength(before + 2);
	});

	it('creates threads from a channel and from a message, with THREAD_CREATE reaching the client', async () => {
		const c = channel(0);
		const thread = await c.threads.create({ name: 'Daily Papers 2024-12-09' });
		expect(thread.type).toBe(11);
		await thread.send('inside');
		expect(emu.messages(thread.id).map((m) => m.body['content'])).toEqual(['inside']);
		const msg = await c.send('anchor');
		const fromMsg = await msg.startThread({ name: 'discussion' });
		expect(fromMsg.id).toBe(msg.id);
		await emu.waitFor(() => client.channels.cache.has(thread.id));
	});

	it('validates and stores bulk-overwritten guild and global commands', async () => {
		const cmd = {
			name: 'paper',
			description: 'Look up a paper',
			default_member_permissions: '32',
			options: [{ type: 3, name: 'id', description: 'arXiv id', required: true, autocomplete: true }],
		};
		await client.rest.put(Routes.applicationGuildCommands(emu.appId, guildId), { body: [cmd] });
		expect(emu.commands(guildId).map((c) => c['name'])).toEqual(['paper']);
		await client.rest.put(Routes.applicationCommands(emu.appId), { body: [cmd, { ...cmd, name: 'top' }] });
		expect(emu.commands().map((c) => c['name'])).toEqual(['paper', 'top']);
		const error = await catchError(client.rest.put(Routes.applicationCommands(emu.appId), { body: [{ ...cmd, name: 'x'.repeat(33) }] }));
		expect(error).toMatchObject({ status: 400, code: 50035 });
		expect(emu.commands()).toHaveLength(2);
	});
});

describe('emulator validateBody', () => {
	it('accepts a digest-shaped message', () => {
		expect(
			validateBody('message-create', {
				embeds: [{ title: 't', description: 'd', fields: [{ name: 'n', value: 'v' }] }],
				nonce: 'x',
				enforce_nonce: true,
				allowed_mentions: { parse: [] },
			}),
		).toBeUndefined();
	});

	it('nests errors by path like Discord', () => {
		expect(validateBody('message-create', { embeds: [{ title: 't'.repeat(257) }] })).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
		});
	});

	it('rejects a nonce longer than 25 characters and content over 2000', () => {
		expect(validateBody('message-create', { content: 'x', nonce: 'n'.repeat(26) })?.errors).toHaveProperty('nonce');
		expect(validateBody('message-create', { content: 'x'.repeat(2001) })?.errors).toHaveProperty('content');
	});

	it('rejects more than 25 autocomplete choices and unknown callback types', () => {
		const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `${i}` }));
		expect(validateBody('interaction-callback', { type: 8, data: { choices } })?.code).toBe(50035);
		expect(validateBody('interaction-callback', { type: 3 })?.code).toBe(50035);
		expect(validateBody('interaction-callback', { type: 5 })).toBeUndefined();
	});
});
