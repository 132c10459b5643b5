import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, Routes, type Client, type ForumChannel } from 'discord.js';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { connectClient } from '../emulator/client.ts';

type Tag = { id: string; name: string };

function catchError(p: Promise<unknown>): Promise<unknown> {
	return p.then(
		() => undefined,
		(e: unknown) => e,
	);
}

describe('emulator forum channels', () => {
	let emu: Emulator;
	let client: Client<true>;
	let guildId: string;
	let open: { id: string; tags: Tag[] };
	let strict: { id: string; tags: Tag[] };

	beforeAll(async () => {
		emu = await startEmulator();
		guildId = emu.addGuild({ channels: 1 }).id;
		const make = (name: string, requireTag: boolean) => {
			const c = emu.addChannel(guildId, { type: 15, name, requireTag, tags: [{ name: 'LLM' }, { name: 'Vision', emojiName: '👁' }] });
			return { id: String(c['id']), tags: c['available_tags'] as Tag[] };
		};
		open = make('papers', false);
		strict = make('tagged-papers', true);
		client = await connectClient(emu);
	});

	afterAll(async () => {
		await client?.destroy();
		await emu?.stop();
	});

	const forum = (id: string): ForumChannel => {
		const c = client.channels.cache.get(id);
		if (c?.type !== ChannelType.GuildForum) throw new Error(`forum ${id} not cached`);
		return c;
	};
	const post = (forumId: string, body: Record<string, unknown>) => client.rest.post(Routes.threads(forumId), { body }) as Promise<Record<string, unknown>>;

	it('announces forums with their tags and REQUIRE_TAG flag to the client', async () => {
		await emu.waitFor(() => client.channels.cache.has(strict.id));
		expect(forum(open.id).availableTags.map((t) => t.name)).toEqual(['LLM', 'Vision']);
		expect(forum(open.id).availableTags[1]?.emoji).toEqual({ id: null, name: '👁' });
		expect(forum(open.id).flags.has('RequireTag')).toBe(false);
		expect(forum(strict.id).flags.has('RequireTag')).toBe(true);
	});

	it('creates a post: a public thread in the forum whose id is its starter message’s, announced by THREAD_CREATE', async () => {
		const thread = await forum(open.id).threads.create({
			name: 'Daily Papers 2026-08-22',
			message: { content: 'header', embeds: [{ title: 'p1' }], allowedMentions: { parse: [] } },
			appliedTags: [open.tags[0]!.id],
		});
		expect(thread.type).toBe(ChannelType.PublicThread);
		expect(thread.parentId).toBe(open.id);
		expect(thread.appliedTags).toEqual([open.tags[0]!.id]);
		const [starter] = emu.messages(thread.id);
		expect(starter?.id).toBe(thread.id);
		expect(starter?.body).toMatchObject({ content: 'header', embeds: [{ title: 'p1' }], allowed_mentions: { parse: [] } });
		await emu.waitFor(() => client.channels.cache.has(thread.id));
		// Papers after the starter go into the post like into any thread.
		await client.rest.post(Routes.channelMessages(thread.id), { body: { content: 'more' } });
		expect(emu.messages(thread.id)).toHaveLength(2);
		const active = (await client.rest.get(Routes.guildActiveThreads(guildId))) as { threads: Array<{ id: string; parent_id: string; name: string }> };
		expect(active.threads).toContainEqual(expect.objectContaining({ id: thread.id, parent_id: open.id, name: 'Daily Papers 2026-08-22' }));
	});

	it('answers 40067 when the forum requires a tag and none of its own is applied', async () => {
		const before = emu.guild(guildId).channels.length;
		const none = await catchError(post(strict.id, { name: 'x', message: { content: 'hi' } }));
		expect(none).toMatchObject({ status: 400, code: 40067 });
		// Another forum's tag is not one of this forum's.
		const foreign = await catchError(post(strict.id, { name: 'x', message: { content: 'hi' }, applied_tags: [open.tags[0]!.id] }));
		expect(foreign).toMatchObject({ status: 400, code: 40067 });
		expect(emu.guild(guildId).channels).toHaveLength(before);
		const ok = await post(strict.id, { name: 'x', message: { content: 'hi' }, applied_tags: [strict.tags[1]!.id] });
		expect(ok['applied_tags']).toEqual([strict.tags[1]!.id]);
		expect(ok['message']).toMatchObject({ id: ok['id'], channel_id: ok['id'], content: 'hi' });
	});

	it('validates the starter message like a channel message', async () => {
		const eleven = await catchError(post(open.id, { name: 'x', message: { embeds: Array.from({ length: 11 }, (_, i) => ({ title: `p${i}` })) } }));
		expect(eleven).toMatchObject({ status: 400, code: 50035 });
		expect((eleven as { rawError: unknown }).rawError).toMatchObject({ errors: { message: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
		const long = await catchError(post(open.id, { name: 'x', message: { content: 'a'.repeat(2001) } }));
		expect((long as { rawError: unknown }).rawError).toMatchObject({ errors: { message: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } });
		const badComponent = await catchError(post(open.id, { name: 'x', message: { content: 'a', components: [{ type: 1, components: [{ type: 3 }] }] } }));
		expect(badComponent).toMatchObject({ status: 400, code: 50035 });
		expect(await catchError(post(open.id, { name: 'x', message: {} }))).toMatchObject({ status: 400, code: 50006 });
		expect(await catchError(post(open.id, { name: '', message: { content: 'a' } }))).toMatchObject({ status: 400, code: 50035 });
	});

	it('refuses a plain message sent to the forum itself, as Discord does', async () => {
		const error = await catchError(client.rest.post(Routes.channelMessages(open.id), { body: { content: 'hi' } }));
		expect(error).toMatchObject({ status: 400, code: 50008 });
		expect(emu.messages(open.id)).toHaveLength(0);
	});

	it('checks Create Posts (Send Messages) and Embed Links in the forum', async () => {
		const c = emu.addChannel(guildId, { type: 15, name: 'locked' });
		const id = String(c['id']);
		emu.denyPermission(id, 'SendMessages');
		expect(await catchError(post(id, { name: 'x', message: { content: 'a' } }))).toMatchObject({ status: 403, code: 50013 });
		emu.allowPermission(id, 'SendMessages');
		emu.denyPermission(id, 'EmbedLinks');
		expect(await catchError(post(id, { name: 'x', message: { embeds: [{ title: 't' }] } }))).toMatchObject({ status: 403, code: 50013 });
		emu.denyPermission(id, 'ViewChannel');
		expect(await catchError(post(id, { name: 'x', message: { content: 'a' } }))).toMatchObject({ status: 403, code: 50001 });
	});
});
