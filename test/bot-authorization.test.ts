import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { subscribe } from './helpers/subscriptions.ts';

const CHANNEL = 7;
const ROLE = 8;
const MANAGE_CHANNELS = String(PermissionFlagsBits.ManageChannels);

/**
 * What an admin of one server can reach through the subscription commands: only the channels
 * of their own server, and there only the ones they can see.
 */
describe('admin commands act only where the member may act', () => {
	let h: Harness;
	let home = { id: '', channels: [] as string[] };
	let away = { id: '', channels: [] as string[] };

	beforeAll(async () => {
		h = await startHarness({
			setup: (emu) => {
				home = emu.addGuild({ channels: 3 });
				away = emu.addGuild({ channels: 1 });
			},
		});
	});
	afterAll(async () => h?.stop());

	/** A slash command typed in `home`'s first channel, naming `channelId`, with Discord's resolved data for it. */
	const run = (name: string, channelId: string, extra: { resolvedGuild?: string } = {}) =>
		answerOf(
			h.emu.interact({
				guildId: home.id,
				channelId: home.channels[0]!,
				type: 2,
				permissions: MANAGE_CHANNELS,
				data: {
					name,
					type: 1,
					options: [{ name: 'channel', type: CHANNEL, value: channelId }],
					// Discord sends the named channel in `resolved`; discord.js files it under the interaction's guild.
					resolved: {
						channels: {
							[channelId]: { id: channelId, name: 'named', type: 0, permissions: '0', ...(extra.resolvedGuild ? { guild_id: extra.resolvedGuild } : {}) },
						},
					},
				},
			}),
		);

	it("refuses another server's channel, though discord.js files it under this one", async () => {
		const target = away.channels[0]!;
		const res = await run('subscribe', target);
		expect(res['content']).toContain('not a text channel of this server');
		expect(await h.store.subscriptions.get(home.id, target)).toBeNull();
		expect(await h.store.subscriptions.get(away.id, target)).toBeNull();
		// Nor can its subscription (had it one) be read or changed from here.
		expect(String((await run('resume', target))['content'])).toContain('not a text channel of this server');
	});

	it('refuses a channel the member cannot see, even with Manage Channels from a role', async () => {
		const hidden = home.channels[1]!;
		h.emu.setRoleOverwrite(hidden, home.id, { deny: 'ViewChannel' });
		await h.emu.waitFor(() => {
			const c = h.bot.client.channels.cache.get(hidden);
			return c && 'permissionOverwrites' in c && c.permissionOverwrites.cache.has(home.id);
		});
		const res = await run('subscribe', hidden);
		expect(res['content']).toContain('Manage Channels');
		expect(await h.store.subscriptions.get(home.id, hidden)).toBeNull();
		expect(String((await run('unsubscribe', hidden))['content'])).toContain('Manage Channels');
	});

	it('lists to that member only the subscriptions of channels they can see', async () => {
		const hidden = home.channels[1]!;
		h.emu.setRoleOverwrite(hidden, home.id, { deny: 'ViewChannel' });
		await subscribe(h.store, home.id, hidden);
		await subscribe(h.store, home.id, home.channels[0]!);
		await h.emu.waitFor(() => {
			const c = h.bot.client.channels.cache.get(hidden);
			return c && 'permissionOverwrites' in c && c.permissionOverwrites.cache.has(home.id);
		});
		const text = JSON.stringify(
			await answerOf(
				h.emu.interact({
					guildId: home.id,
					channelId: home.channels[0]!,
					type: 2,
					permissions: MANAGE_CHANNELS,
					data: { name: 'subscriptions', type: 1, options: [] },
				}),
			),
		);
		expect(text).toContain(`<#${home.channels[0]}>`);
		expect(text).not.toContain(hidden);
		await h.store.subscriptions.delete(home.id, hidden);
		await h.store.subscriptions.delete(home.id, home.channels[0]!);
	});

	it("refuses to mention another server's role, though discord.js files it under this one", async () => {
		const foreignRole = h.emu.addRole(away.id, { name: 'elsewhere', mentionable: true });
		await h.emu.waitFor(() => h.bot.client.guilds.cache.get(away.id)?.roles.cache.has(foreignRole));
		const res = await answerOf(
			h.emu.interact({
				guildId: home.id,
				channelId: home.channels[0]!,
				type: 2,
				permissions: MANAGE_CHANNELS,
				data: {
					name: 'subscribe',
					type: 1,
					options: [{ name: 'mention', type: ROLE, value: foreignRole }],
					resolved: {
						roles: {
							[foreignRole]: {
								id: foreignRole,
								name: 'elsewhere',
								color: 0,
								hoist: false,
								position: 1,
								permissions: '0',
								managed: false,
								mentionable: true,
								flags: 0,
							},
						},
					},
				},
			}),
		);
		expect(res['content']).toContain('not in this server');
		expect(await h.store.subscriptions.get(home.id, home.channels[0]!)).toBeNull();
	});

	it('still lets the same member subscribe a channel they can see', async () => {
		const visible = home.channels[2]!;
		const res = await run('subscribe', visible);
		expect(res['content']).toContain('Subscribed');
		expect(await h.store.subscriptions.get(home.id, visible)).not.toBeNull();
	});
});

describe('a malformed interaction from the gateway', () => {
	let h: Harness;
	let home = { id: '', channels: [] as string[] };
	beforeAll(async () => {
		h = await startHarness({ setup: (emu) => void (home = emu.addGuild({ channels: 1 })) });
	});
	afterAll(async () => h?.stop());

	it('is dropped with a log line, and the bot keeps answering', async () => {
		const crashes: unknown[] = [];
		const onCrash = (err: unknown) => crashes.push(err);
		process.on('uncaughtException', onCrash);
		try {
			h.emu.interact({
				guildId: home.id,
				channelId: home.channels[0]!,
				type: 2,
				data: { name: 'help', type: 1, options: [] },
				mangle: (payload) => void delete (payload['member'] as Record<string, unknown>)['user'],
			});
			await h.emu.waitFor(() => h.logs.some((l) => l.includes('dropped an interaction the gateway sent malformed')));
			const next = await answerOf(h.emu.interact({ guildId: home.id, channelId: home.channels[0]!, type: 2, data: { name: 'help', type: 1, options: [] } }));
			expect(JSON.stringify(next)).toContain('Paperboy');
			expect(crashes).toEqual([]);
			expect(h.logs.find((l) => l.includes('dropped an interaction'))).toContain('member.user');
		} finally {
			process.off('uncaughtException', onCrash);
		}
	});
});
