import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, Events, MessageFlags, type Client, type Interaction } from 'discord.js';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';

describe('emulator interactions', () => {
	let emu: Emulator;
	let client: Client<true>;
	let guildId: string;
	let channelId: string;
	let handler: (i: Interaction) => Promise<void> = async () => {};
	const failures: unknown[] = [];

	beforeAll(async () => {
		emu = await startEmulator();
		const g = emu.addGuild({ channels: 1 });
		guildId = g.id;
		channelId = g.channels[0] ?? '';
		client = await connectClient(emu);
		client.on(Events.InteractionCreate, (i) => void handler(i).catch((e: unknown) => failures.push(e)));
	});

	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	it('delivers a slash command as a ChatInputCommandInteraction with its options, locale and member permissions', async () => {
		let seen: Interaction | undefined;
		handler = async (i) => {
			seen = i;
			if (i.isChatInputCommand()) await i.reply({ content: 'ok', allowedMentions: { parse: [] } });
		};
		const h = emu.interact({
			guildId,
			channelId,
			type: 2,
			locale: 'ko',
			permissions: 32n,
			data: { name: 'paper', options: [{ name: 'id', type: 3, value: '2412.04887' }] },
		});
		await h.response();
		if (!seen?.isChatInputCommand()) throw new Error('not a chat input command');
		expect(seen.commandName).toBe('paper');
		expect(seen.options.getString('id')).toBe('2412.04887');
		expect(seen.locale).toBe('ko');
		expect(seen.memberPermissions?.has('ManageGuild')).toBe(true);
		expect(seen.channelId).toBe(channelId);
	});

	it('records a reply as callback type 4 with its data, answered in time', async () => {
		handler = async (i) => {
			if (i.isChatInputCommand()) await i.reply({ embeds: [new EmbedBuilder().setTitle('Paper')], flags: MessageFlags.Ephemeral });
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'paper' } });
		const r = await h.response();
		expect(r.type).toBe(4);
		expect(r.data?.['embeds']).toEqual([{ title: 'Paper' }]);
		expect(r.data?.['flags']).toBe(64);
		expect(h.answeredInTime()).toBe(true);
		expect(emu.requests.find((q) => q.path === `/interactions/${h.id}/${h.token}/callback`)?.status).toBe(204);
	});

	it('records deferReply as type 5 and editReply as an edit of @original, which GET @original returns', async () => {
		let fetched = '';
		handler = async (i) => {
			if (!i.isChatInputCommand()) return;
			await i.deferReply();
			await i.editReply({ content: 'done' });
			fetched = (await i.fetchReply()).content;
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'top' } });
		expect((await h.response()).type).toBe(5);
		expect((await h.waitForEdits(1))[0]?.['content']).toBe('done');
		await emu.waitFor(() => fetched);
		expect(fetched).toBe('done');
		expect(h.original()?.['content']).toBe('done');
	});

	it('records followUp messages posted to the interaction webhook', async () => {
		handler = async (i) => {
			if (!i.isChatInputCommand()) return;
			await i.reply('first');
			const m = await i.followUp({ content: 'second' });
			await i.followUp({ content: `third after ${m.id}` });
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'search' } });
		const followups = await h.waitForFollowups(2);
		expect(followups.map((f) => String(f['content']).split(' ')[0])).toEqual(['second', 'third']);
		expect(String(followups[1]?.['content'])).toBe(`third after ${String(followups[0]?.['id'])}`);
	});

	it('records autocomplete respond as type 8 with its choices', async () => {
		handler = async (i) => {
			if (i.isAutocomplete()) await i.respond([{ name: `match ${i.options.getFocused()}`, value: '2412.04887' }]);
		};
		const h = emu.interact({ guildId, channelId, type: 4, data: { name: 'paper', options: [{ name: 'id', type: 3, value: '2412', focused: true }] } });
		expect(await h.response()).toEqual({ type: 8, data: { choices: [{ name: 'match 2412', value: '2412.04887' }] } });
	});

	it('records a button update as type 7 and exposes the updated message', async () => {
		handler = async (i) => {
			if (!i.isButton()) return;
			const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
				new ButtonBuilder().setCustomId('top:page:3:week').setLabel('Next').setStyle(ButtonStyle.Secondary),
			);
			await i.update({ content: `page for ${i.customId}`, components: [row] });
		};
		const h = emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'top:page:2:week' } });
		const r = await h.response();
		expect(r.type).toBe(7);
		expect(r.data?.['content']).toBe('page for top:page:2:week');
		expect(h.original()?.['content']).toBe('page for top:page:2:week');
	});

	it('answers a second acknowledgement of one interaction with 40060', async () => {
		let code: unknown;
		handler = async (i) => {
			if (!i.isChatInputCommand()) return;
			await i.reply('once');
			const res = await fetch(`${emu.apiBase}/v10/interactions/${i.id}/${i.token}/callback`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ type: 4, data: { content: 'twice' } }),
			});
			code = ((await res.json()) as { code: number }).code;
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'paper' } });
		await h.response();
		await emu.waitFor(() => code);
		expect(code).toBe(40060);
	});

	it('rejects an invalid reply body with 400 50035 and leaves the interaction unanswered', async () => {
		let error: unknown;
		handler = async (i) => {
			if (!i.isChatInputCommand()) return;
			await i.reply({ content: 'x'.repeat(2001) }).catch((e: unknown) => (error = e));
		};
		const h = emu.interact({ guildId, channelId, type: 2, data: { name: 'paper' } });
		await emu.waitFor(() => error);
		expect(error).toMatchObject({ code: 50035, status: 400 });
		expect(h.answeredInMs()).toBeUndefined();
	});

	it('lets no handler error escape', () => {
		expect(failures).toEqual([]);
	});
});
