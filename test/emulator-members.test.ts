import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordAPIError, Events, MessageFlags, REST, Routes, type Client, type Interaction } from 'discord.js';
import { messageObject, startEmulator, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';
import { messageCommandData } from '../emulator/members.ts';

describe('emulator: what members’ features need', () => {
	let emu: Emulator;
	let client: Client<true>;
	let rest: REST;
	let guildId: string;
	let channelId: string;
	let handler: (i: Interaction) => Promise<void> = async () => {};

	beforeAll(async () => {
		emu = await startEmulator();
		const g = emu.addGuild({ channels: 1 });
		guildId = g.id;
		channelId = g.channels[0] ?? '';
		client = await connectClient(emu);
		client.on(Events.InteractionCreate, (i) => void handler(i));
		rest = new REST({ api: emu.apiBase }).setToken(emu.token);
	});
	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	it('keeps the bytes of files attached to an interaction reply (multipart with payload_json)', async () => {
		const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x41, 0xe2, 0x82]);
		handler = async (i) => {
			if (i.isChatInputCommand()) await i.reply({ content: 'file', files: [{ attachment: bytes, name: 'x.bin' }], flags: MessageFlags.Ephemeral });
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'saved' } });
		const res = await h.response();
		expect(res.data?.['content']).toBe('file');
		expect(h.files()).toHaveLength(1);
		expect(h.files()[0]).toMatchObject({ filename: 'x.bin' });
		expect(Buffer.compare(h.files()[0]!.data, bytes)).toBe(0);
	});

	it('delivers a message context-menu command with its target message resolved', async () => {
		let target: string | undefined;
		let author: string | undefined;
		handler = async (i) => {
			if (!i.isMessageContextMenuCommand()) return;
			target = i.targetMessage.content;
			author = i.targetMessage.author.id;
			await i.reply({ content: 'seen', flags: MessageFlags.Ephemeral });
		};
		const message = messageObject({ id: '123456789012345678', channelId, author: emu.botUser, body: { content: 'hello' } });
		const h = emu.interact({ guildId, channelId, type: 2, data: messageCommandData('Save papers', message) });
		expect((await h.response()).data?.['content']).toBe('seen');
		expect(target).toBe('hello');
		expect(author).toBe(emu.botUser.id);
	});

	it('opens one DM channel per user, takes messages there, deduplicates a nonce, and answers 50007 for a user who takes no DMs', async () => {
		const user = '340000000000000001';
		const a = (await rest.post(Routes.userChannels(), { body: { recipient_id: user } })) as { id: string; type: number };
		const b = (await rest.post(Routes.userChannels(), { body: { recipient_id: user } })) as { id: string };
		expect(a.type).toBe(1);
		expect(b.id).toBe(a.id);
		const body = { content: 'hi', nonce: 'n1', enforce_nonce: true, allowed_mentions: { parse: [] } };
		const first = (await rest.post(Routes.channelMessages(a.id), { body })) as { id: string };
		const again = (await rest.post(Routes.channelMessages(a.id), { body })) as { id: string };
		expect(again.id).toBe(first.id);
		expect(emu.dms.sentTo(user).map((m) => m.body['content'])).toEqual(['hi']);
		await expect(rest.post(Routes.channelMessages(a.id), { body: { content: '' } })).rejects.toMatchObject({ code: 50006 });

		emu.dms.refuseDms(user);
		const refused = await rest.post(Routes.channelMessages(a.id), { body: { content: 'again' } }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(DiscordAPIError);
		expect(refused).toMatchObject({ status: 403, code: 50007 });
		expect(emu.dms.sentTo(user)).toHaveLength(1);
		await expect(rest.post(Routes.userChannels(), { body: { recipient_id: 'someone' } })).rejects.toMatchObject({ status: 400 });
	});
});
