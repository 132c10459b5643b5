import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Routes, type Client } from 'discord.js';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';

describe('emulator global limit and latency', () => {
	let emu: Emulator;
	let client: Client<true>;
	let guildId: string;
	let channelId: string;

	beforeAll(async () => {
		// Real one-second windows (scale 1): the "cannot fit in two windows" arguments below only fail if
		// 11 concurrent requests straggle in over more than two seconds, which a busy CI machine can do to
		// 250 ms windows but not to these.
		emu = await startEmulator({ rateLimits: { globalPerSecond: 5, scale: 1, channelMessages: { limit: 100, windowMs: 1000 } }, responseDelayMs: [40, 80] });
		const g = emu.addGuild({ channels: 1 });
		guildId = g.id;
		channelId = g.channels[0] ?? '';
		client = await connectClient(emu);
	});

	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	it('answers requests past the global limit with a global 429 carrying Retry-After', async () => {
		// 11 concurrent requests cannot fit in two windows of 5, whenever the windows start.
		const statuses = await Promise.all(
			Array.from({ length: 11 }, async () => {
				const res = await fetch(`${emu.apiBase}/v10/channels/${channelId}`, { headers: { authorization: `Bot ${emu.token}` } });
				await res.arrayBuffer();
				return { status: res.status, global: res.headers.get('x-ratelimit-global'), retryAfter: res.headers.get('retry-after') };
			}),
		);
		const limited = statuses.filter((s) => s.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		expect(limited.every((s) => s.global === 'true' && Number(s.retryAfter) > 0)).toBe(true);
	});

	it('lets discord.js deliver a burst through the global limit by waiting out its 429s', async () => {
		const before = emu.messages(channelId).length;
		await Promise.all(Array.from({ length: 12 }, (_, i) => client.rest.post(Routes.channelMessages(channelId), { body: { content: `b${i}` } })));
		expect(emu.messages(channelId).length - before).toBe(12);
	});

	it('does not count interaction callbacks against the global limit', async () => {
		// 11 at once: were callbacks counted, they could not fit in two windows of 5 and some would get 429.
		const handles = Array.from({ length: 11 }, () => emu.interact({ guildId, channelId, type: 2, data: { name: 'ping' } }));
		const statuses = await Promise.all(
			handles.map(async (h) => {
				const res = await fetch(`${emu.apiBase}/v10/interactions/${h.id}/${h.token}/callback`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ type: 4, data: { content: 'pong' } }),
				});
				await res.arrayBuffer();
				return res.status;
			}),
		);
		expect(statuses).toEqual(Array(11).fill(204));
	});

	it('requires the bot token on REST except for interaction routes', async () => {
		const res = await fetch(`${emu.apiBase}/v10/channels/${channelId}/messages`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ content: 'x' }),
		});
		expect(res.status).toBe(401);
	});
});
