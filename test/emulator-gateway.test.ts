import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events, PermissionFlagsBits, type Client } from 'discord.js';
import { WebSocket } from 'ws';
import { startEmulator, shardOf, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';

describe('emulator gateway', () => {
	let emu: Emulator;
	let client: Client<true>;
	let guildA: string;
	let guildB: string;

	beforeAll(async () => {
		emu = await startEmulator();
		guildA = emu.addGuild({ name: 'Papers', channels: [{ name: 'daily-papers' }, { name: 'chat' }] }).id;
		guildB = emu.addGuild({ channels: 1 }).id;
		client = await connectClient(emu);
	});

	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	it('logs in through GET /gateway/bot and caches every guild with its channels', () => {
		expect(emu.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot' && r.status === 200)).toBe(true);
		expect(client.user.id).toBe(emu.appId);
		expect(client.application.id).toBe(emu.appId);
		expect([...client.guilds.cache.keys()].sort()).toEqual([guildA, guildB].sort());
		const names = client.guilds.cache
			.get(guildA)
			?.channels.cache.map((c) => c.name)
			.sort();
		expect(names).toEqual(['chat', 'daily-papers']);
	});

	it('grants the bot role View Channel, Send Messages, Embed Links and thread permissions', () => {
		const channelId = emu.guild(guildA).channels[0] ?? '';
		const channel = client.channels.cache.get(channelId);
		if (!channel || channel.isDMBased()) throw new Error('channel not cached');
		const perms = channel.permissionsFor(client.user);
		expect(
			perms?.has([
				PermissionFlagsBits.ViewChannel,
				PermissionFlagsBits.SendMessages,
				PermissionFlagsBits.EmbedLinks,
				PermissionFlagsBits.CreatePublicThreads,
				PermissionFlagsBits.SendMessagesInThreads,
			]),
		).toBe(true);
		expect(perms?.has(PermissionFlagsBits.Administrator)).toBe(false);
	});

	it('announces a denied permission as CHANNEL_UPDATE so permissionsFor reflects it', async () => {
		const channelId = emu.guild(guildA).channels[1] ?? '';
		const updated = once(client, Events.ChannelUpdate);
		emu.denyPermission(channelId, 'EmbedLinks');
		await updated;
		const channel = client.channels.cache.get(channelId);
		if (!channel || channel.isDMBased()) throw new Error('channel not cached');
		expect(channel.permissionsFor(client.user)?.has(PermissionFlagsBits.EmbedLinks)).toBe(false);
		expect(channel.permissionsFor(client.user)?.has(PermissionFlagsBits.SendMessages)).toBe(true);
	});

	it('dispatches CHANNEL_CREATE, CHANNEL_DELETE and GUILD_DELETE to the client cache', async () => {
		const g = emu.addGuild({ channels: 1 });
		await emu.waitFor(() => client.guilds.cache.has(g.id));
		const created = emu.addChannel(g.id, { name: 'late' });
		await emu.waitFor(() => client.channels.cache.has(String(created['id'])));
		emu.deleteChannel(String(created['id']));
		await emu.waitFor(() => !client.channels.cache.has(String(created['id'])));
		emu.removeGuild(g.id);
		await emu.waitFor(() => !client.guilds.cache.has(g.id));
	});

	it('resumes after close 4000 and replays an interaction dispatched while disconnected', async () => {
		const before = emu.sessions()[0];
		const resumed = once(client, Events.ShardResume);
		const seen = new Promise<string>((resolve) => client.once(Events.InteractionCreate, (i) => resolve(i.id)));
		emu.closeGateway(4000);
		const h = emu.interact({ guildId: guildA, channelId: emu.guild(guildA).channels[0] ?? '', type: 2, data: { name: 'ping' } });
		await resumed;
		expect(await seen).toBe(h.id);
		const after = emu.sessions()[0];
		expect(after?.id).toBe(before?.id);
		expect(after?.history).toEqual(['identify', 'close:4000', 'resume']);
	});

	it('identifies a new session after close 1000', async () => {
		const before = emu.sessions()[0]?.id;
		// Waiting for the shard to be ready again matters: destroying a client mid-identify hangs discord.js.
		const ready = once(client, Events.ShardReady);
		emu.closeGateway(1000);
		await ready;
		const next = emu.sessions()[0];
		expect(next?.id).not.toBe(before);
		expect(next?.history).toEqual(['identify']);
		expect(client.guilds.cache.has(guildA)).toBe(true);
	});
});

describe('emulator sharding', () => {
	let emu: Emulator;
	const clients: Client<true>[] = [];

	beforeAll(async () => {
		emu = await startEmulator({ shardCount: 2 });
		for (let i = 0; i < 4; i++) emu.addGuild({ channels: 1 });
	});

	afterAll(async () => {
		for (const c of clients) await c.destroy();
		await emu?.stop();
	});

	it('generates guild ids that fall on both shards', () => {
		expect(emu.guilds().map((g) => shardOf(g.id, 2))).toEqual([0, 1, 0, 1]);
	});

	it('gives each of two shard clients only the guilds of its shard, and routes interactions to it', async () => {
		const [zero, one] = await Promise.all([connectClient(emu, { shards: 0, shardCount: 2 }), connectClient(emu, { shards: 1, shardCount: 2 })]);
		clients.push(zero, one);
		const expected = (shard: number) =>
			emu
				.guilds()
				.filter((g) => shardOf(g.id, 2) === shard)
				.map((g) => g.id)
				.sort();
		expect([...zero.guilds.cache.keys()].sort()).toEqual(expected(0));
		expect([...one.guilds.cache.keys()].sort()).toEqual(expected(1));

		const target = emu.guilds().find((g) => shardOf(g.id, 2) === 1);
		if (!target) throw new Error('no guild on shard 1');
		const got: string[] = [];
		zero.on(Events.InteractionCreate, () => got.push('zero'));
		const onOne = new Promise<void>((resolve) =>
			one.once(Events.InteractionCreate, () => {
				got.push('one');
				resolve();
			}),
		);
		emu.interact({ guildId: target.id, channelId: target.channels[0] ?? '', type: 2, data: { name: 'ping' } });
		await onOne;
		expect(got).toEqual(['one']);
	});

	it('answers GET /gateway/bot with the recommended shard count, which an auto-sharded client follows', async () => {
		const auto = await connectClient(emu, { shards: 'auto' });
		clients.push(auto);
		expect(auto.ws.shards.size).toBe(2);
		expect(auto.guilds.cache.size).toBe(4);
	});
});

describe('emulator authentication', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => {
		await emu?.stop();
	});

	it('answers REST calls with a wrong token with 401 and code 0', async () => {
		const res = await fetch(`${emu.apiBase}/v10/gateway/bot`, { headers: { authorization: 'Bot nope' } });
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual({ code: 0, message: '401: Unauthorized' });
	});

	it('closes the gateway with 4004 when IDENTIFY carries a wrong token', async () => {
		const ws = new WebSocket(`${emu.gatewayUrl}/?v=10&encoding=json`);
		await once(ws, 'message');
		ws.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {}, shard: [0, 1] } }));
		const [code] = (await once(ws, 'close')) as [number];
		expect(code).toBe(4004);
	});
});
