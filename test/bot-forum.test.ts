import { afterEach, describe, expect, it } from 'vitest';
import { resumeCommand } from '../commands/resume.ts';
import { unsubscribeCommand } from '../commands/unsubscribe.ts';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const STRING = 3;
const BOOLEAN = 5;
const CHANNEL = 7;
const MANAGE_CHANNELS = String(1n << 4n);
const TAGS = [{ name: 'LLM' }, { name: 'Vision', emojiName: '👁' }];

type Json = Record<string, unknown>;
type Embed = { url?: string; description?: string };
type Tag = { id: string; name: string };

const embedsOf = (body: Json) => (body['embeds'] as Embed[] | undefined) ?? [];
const cardIds = (body: Json) => embedsOf(body).map((e) => e.url?.split('/abs/')[1]);
const listedIds = (body: Json) =>
	embedsOf(body).flatMap((e) => [...(e.description ?? '').matchAll(/\(https:\/\/arxiv\.org\/abs\/([^)]+)\)/g)].map((m) => m[1]));

/** A guild with a text channel (where commands are typed), an open forum and a forum that requires a tag. */
async function forumHarness(extra: Parameters<typeof startHarness>[0] = {}) {
	const h = await startHarness({
		bot: { settleMs: 0, scheduler: { retryBaseMs: 50, retryMaxMs: 200 } },
		guilds: [
			{
				channels: [{ name: 'general' }, { type: 15, name: 'papers', tags: TAGS }, { type: 15, name: 'tagged-papers', tags: TAGS, requireTag: true }],
			},
		],
		...extra,
	});
	const g = h.guilds[0]!;
	const [text, open, strict] = g.channels as [string, string, string];
	const tagsOf = (id: string) => h.emu.channel(id)?.['available_tags'] as Tag[];
	return { h, g, text, open, strict, tagsOf };
}

/** The forum's posts, oldest first: threads whose parent it is. */
function postsIn(h: Harness, forumId: string): Json[] {
	return h.emu
		.guild(h.guilds[0]!.id)
		.channels.map((id) => h.emu.channel(id))
		.filter((c): c is Json => c?.['parent_id'] === forumId);
}

async function deliverToday(h: Harness, n: number): Promise<{ date: string; ids: string[] }> {
	const date = new Date().toISOString().slice(0, 10);
	const papers = papersFor(date, n);
	await writeDigest(`${h.dir}/digests`, date, papers);
	await h.bot.refresh();
	await h.bot.ctx.scheduler.idle();
	return { date, ids: papers.map((p) => p.id) };
}

describe('forum channels end to end (real discord.js, loopback emulator)', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	const run = (guildId: string, channelId: string, options: Array<{ name: string; type: number; value: unknown }>, locale = 'en-US') =>
		answerOf(h!.emu.interact({ guildId, channelId, type: 2, locale, permissions: MANAGE_CHANNELS, data: { name: 'subscribe', type: 1, options } }));

	it('/subscribe a forum: each digest is one post named for its date, the cards inside it', async () => {
		const f = await forumHarness();
		h = f.h;
		const answer = await run(f.g.id, f.text, [
			{ name: 'channel', type: CHANNEL, value: f.open },
			{ name: 'time', type: STRING, value: '00:00' },
			{ name: 'timezone', type: STRING, value: 'UTC' },
		]);
		expect(answer['flags']).toBe(64);
		expect(String(answer['content'])).toContain('a forum post per digest');
		expect(await h.store.subscriptions.get(f.g.id, f.open)).toMatchObject({ channelKind: 'forum', forumTagId: null, thread: false });

		const { date, ids } = await deliverToday(h, 14);
		const posts = postsIn(h, f.open);
		expect(posts.map((p) => p['name'])).toEqual([`Daily Papers ${date}`]);
		const postId = String(posts[0]?.['id']);
		const [starter, ...cards] = h.emu.messages(postId);
		expect(starter?.id).toBe(postId);
		expect(String(starter?.body['content'])).toContain(date);
		expect(starter?.body['allowed_mentions']).toEqual({ parse: [] });
		expect(cards.flatMap((m) => cardIds(m.body))).toEqual(ids);
		// The header is the post's own; the cards under it do not repeat it.
		expect(cards.every((m) => m.body['content'] === undefined)).toBe(true);
		expect(h.emu.messages(f.open)).toHaveLength(0);
		expect(await h.store.ledger.getThread(f.open, date)).toBe(postId);

		// Another wake-up makes no second post and sends nothing more.
		const sent = h.emu.messages(postId).length;
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		expect(postsIn(h, f.open)).toHaveLength(1);
		expect(h.emu.messages(postId)).toHaveLength(sent);
	});

	it('a Korean server’s post is titled in Korean, and its starter pings the chosen role alone', async () => {
		const f = await forumHarness({ guilds: [{ locale: 'ko', channels: [{ name: 'general' }, { type: 15, name: 'papers', tags: TAGS }] }] });
		h = f.h;
		const roleId = h.emu.addRole(f.g.id, { name: 'readers', mentionable: true });
		await subscribe(h.store, f.g.id, f.open, { channelKind: 'forum', mentionRoleId: roleId });
		const { date, ids } = await deliverToday(h, 3);
		const posts = postsIn(h, f.open);
		expect(posts.map((p) => p['name'])).toEqual([`데일리 페이퍼 ${date}`]);
		const [starter, ...cards] = h.emu.messages(String(posts[0]?.['id']));
		expect(String(starter?.body['content'])).toContain(`<@&${roleId}>`);
		expect(starter?.body['allowed_mentions']).toEqual({ parse: [], roles: [roleId] });
		expect(cards.flatMap((m) => cardIds(m.body))).toEqual(ids);
		expect(cards.every((m) => JSON.stringify(m.body['allowed_mentions']) === JSON.stringify({ parse: [] }))).toBe(true);
	});

	it('compact in a forum: the numbered list and its menus inside the day’s post', async () => {
		const f = await forumHarness();
		h = f.h;
		await subscribe(h.store, f.g.id, f.open, { channelKind: 'forum', format: 'compact' });
		const { date, ids } = await deliverToday(h, 30);
		const posts = postsIn(h, f.open);
		expect(posts.map((p) => p['name'])).toEqual([`Daily Papers ${date}`]);
		const [, ...inside] = h.emu.messages(String(posts[0]?.['id']));
		expect(inside.flatMap((m) => listedIds(m.body))).toEqual(ids);
		expect(inside.every((m) => cardIds(m.body).every((u) => u === undefined))).toBe(true);
		const menus = inside.flatMap((m) => (m.body['components'] as Array<{ components: Array<{ type: number }> }>).flatMap((r) => r.components));
		expect(menus.length).toBeGreaterThan(0);
		expect(menus.every((c) => c.type === 3)).toBe(true);
	});

	it('a forum that requires a tag: /subscribe without one lists its tags and saves nothing; with one, every post carries it', async () => {
		const f = await forumHarness();
		h = f.h;
		const [llm, vision] = f.tagsOf(f.strict) as [Tag, Tag];
		const where = { name: 'channel', type: CHANNEL, value: f.strict };
		const refused = await run(f.g.id, f.text, [where]);
		expect(refused['flags']).toBe(64);
		expect(String(refused['content'])).toContain('requires a tag');
		expect(String(refused['content'])).toContain('`LLM`, `Vision`');
		const ko = await run(f.g.id, f.text, [where], 'ko');
		expect(String(ko['content'])).toContain('태그가 필요합니다');
		expect(await h.store.subscriptions.get(f.g.id, f.strict)).toBeNull();

		const saved = await run(f.g.id, f.text, [
			where,
			{ name: 'tag', type: STRING, value: vision.id },
			{ name: 'time', type: STRING, value: '00:00' },
			{ name: 'timezone', type: STRING, value: 'UTC' },
		]);
		expect(String(saved['content'])).toContain('tagged `Vision`');
		expect((await h.store.subscriptions.get(f.g.id, f.strict))?.forumTagId).toBe(vision.id);
		// A name typed without picking from autocomplete means that tag too; an update keeps it when not named.
		await run(f.g.id, f.text, [where, { name: 'tag', type: STRING, value: 'llm' }]);
		expect((await h.store.subscriptions.get(f.g.id, f.strict))?.forumTagId).toBe(llm.id);
		await run(f.g.id, f.text, [where, { name: 'format', type: STRING, value: 'cards' }]);
		expect((await h.store.subscriptions.get(f.g.id, f.strict))?.forumTagId).toBe(llm.id);
		// Clearing it is refused where a tag is required.
		const cleared = await run(f.g.id, f.text, [where, { name: 'tag', type: STRING, value: '-' }]);
		expect(String(cleared['content'])).toContain('requires a tag');
		expect((await h.store.subscriptions.get(f.g.id, f.strict))?.forumTagId).toBe(llm.id);

		const { ids } = await deliverToday(h, 3);
		const posts = postsIn(h, f.strict);
		expect(posts).toHaveLength(1);
		expect(posts[0]?.['applied_tags']).toEqual([llm.id]);
		const request = h.emu.requests.find((r) => r.method === 'POST' && r.path === `/channels/${f.strict}/threads`);
		expect((request?.body as Json)['applied_tags']).toEqual([llm.id]);
		expect(h.emu.messages(String(posts[0]?.['id'])).flatMap((m) => cardIds(m.body))).toEqual(ids);
	});

	it('refuses a tag of another forum, a tag on a text channel, and thread mode in a forum', async () => {
		const f = await forumHarness();
		h = f.h;
		const otherForumTag = f.tagsOf(f.open)[0]!;
		const foreign = await run(f.g.id, f.text, [
			{ name: 'channel', type: CHANNEL, value: f.strict },
			{ name: 'tag', type: STRING, value: otherForumTag.id },
		]);
		expect(foreign['flags']).toBe(64);
		expect(String(foreign['content'])).toContain('is not a tag of');
		const ko = await run(
			f.g.id,
			f.text,
			[
				{ name: 'channel', type: CHANNEL, value: f.open },
				{ name: 'tag', type: STRING, value: 'nope' },
			],
			'ko',
		);
		expect(String(ko['content'])).toContain('태그가 아닙니다');
		const onText = await run(f.g.id, f.text, [{ name: 'tag', type: STRING, value: otherForumTag.id }]);
		expect(String(onText['content'])).toContain('applies to a forum channel only');
		const thread = await run(f.g.id, f.text, [
			{ name: 'channel', type: CHANNEL, value: f.open },
			{ name: 'thread', type: BOOLEAN, value: true },
		]);
		expect(String(thread['content'])).toContain('`thread:` does not apply');
		for (const c of [f.strict, f.open, f.text]) expect(await h.store.subscriptions.get(f.g.id, c)).toBeNull();
	});

	it('autocompletes the named forum’s tags by name, with their ids as values', async () => {
		const f = await forumHarness();
		h = f.h;
		const complete = async (channel: string | undefined, value: string) =>
			(
				await h!.emu
					.interact({
						guildId: f.g.id,
						channelId: f.text,
						type: 4,
						data: {
							name: 'subscribe',
							type: 1,
							options: [...(channel ? [{ name: 'channel', type: CHANNEL, value: channel }] : []), { name: 'tag', type: STRING, value, focused: true }],
						},
					})
					.response()
			).data?.['choices'];
		const [llm, vision] = f.tagsOf(f.strict) as [Tag, Tag];
		expect(await complete(f.strict, '')).toEqual([
			{ name: 'LLM', value: llm.id },
			{ name: '👁 Vision', value: vision.id },
		]);
		expect(await complete(f.strict, 'vi')).toEqual([{ name: '👁 Vision', value: vision.id }]);
		expect(await complete(undefined, '')).toEqual([]);
	});

	it('a crash after the post was made and before it was recorded: the next run finds it and makes no second post', async () => {
		const f = await forumHarness();
		h = f.h;
		await subscribe(h.store, f.g.id, f.open, { channelKind: 'forum' });
		const ledger = h.store.ledger;
		const setThread = ledger.setThread.bind(ledger);
		let crashed = false;
		ledger.setThread = async (...args) => {
			if (!crashed) {
				crashed = true;
				throw new Error('process died here');
			}
			return setThread(...args);
		};
		const { date, ids } = await deliverToday(h, 12);
		await until(async () => (await ledger.getThread(f.open, date)) !== null, 10_000, 'the retry to record the post');
		await h.bot.ctx.scheduler.idle();
		expect(crashed).toBe(true);
		const posts = postsIn(h, f.open);
		expect(posts).toHaveLength(1);
		const postId = String(posts[0]?.['id']);
		expect(await ledger.getThread(f.open, date)).toBe(postId);
		expect(h.emu.messages(postId).flatMap((m) => cardIds(m.body))).toEqual(ids);
		expect(h.logs.some((l) => l.includes('found a forum post made before a crash'))).toBe(true);
		expect(h.emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${f.open}/threads`)).toHaveLength(1);
	});

	it('a run cut off after the post: the rest of the papers go into the same post', async () => {
		const f = await forumHarness();
		h = f.h;
		await subscribe(h.store, f.g.id, f.open, { channelKind: 'forum' });
		// Every card send fails for a while; the post itself (another route) goes through.
		h.emu.fault({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status: 503, times: 8 });
		const { date, ids } = await deliverToday(h, 12);
		const postId = await h.store.ledger.getThread(f.open, date);
		expect(postId).not.toBeNull();
		await until(() => h!.emu.messages(postId!).flatMap((m) => cardIds(m.body)).length === ids.length, 10_000, 'the retried cards');
		await h.bot.ctx.scheduler.idle();
		expect(postsIn(h, f.open)).toHaveLength(1);
		expect(h.emu.messages(postId!).flatMap((m) => cardIds(m.body))).toEqual(ids);
	});

	it('a forum that came to require a tag after subscribing (40067): paused with the reason, in /subscriptions too', async () => {
		const f = await forumHarness();
		h = f.h;
		// As /subscribe saved it before the forum's admins made tags required.
		await subscribe(h.store, f.g.id, f.strict, { channelKind: 'forum', forumTagId: null });
		await deliverToday(h, 3);
		const sub = await h.store.subscriptions.get(f.g.id, f.strict);
		expect(sub?.paused).toMatchObject({ code: 40067 });
		expect(sub?.paused?.reason).toContain('Tag required');
		expect(postsIn(h, f.strict)).toHaveLength(0);
		const list = await answerOf(
			h.emu.interact({ guildId: f.g.id, channelId: f.text, type: 2, permissions: MANAGE_CHANNELS, data: { name: 'subscriptions', type: 1, options: [] } }),
		);
		expect(JSON.stringify(list)).toContain('the forum now requires a tag on each post');
		// Choosing a tag resumes it, and the digest goes out with the tag.
		const tag = f.tagsOf(f.strict)[0]!;
		await run(f.g.id, f.text, [
			{ name: 'channel', type: CHANNEL, value: f.strict },
			{ name: 'tag', type: STRING, value: tag.id },
		]);
		expect((await h.store.subscriptions.get(f.g.id, f.strict))?.paused).toBeNull();
		await until(() => postsIn(h!, f.strict).length === 1, 10_000, 'the post after choosing a tag');
		expect(postsIn(h, f.strict)[0]?.['applied_tags']).toEqual([tag.id]);
	});

	it('/resume and /unsubscribe name a forum like any subscribed channel', async () => {
		const f = await forumHarness();
		h = f.h;
		await subscribe(h.store, f.g.id, f.open, { channelKind: 'forum', paused: { reason: 'Missing Permissions', code: 50013, at: new Date().toISOString() } });
		const admin = (name: string) =>
			answerOf(
				h!.emu.interact({
					guildId: f.g.id,
					channelId: f.text,
					type: 2,
					permissions: MANAGE_CHANNELS,
					data: { name, type: 1, options: [{ name: 'channel', type: CHANNEL, value: f.open }] },
				}),
			);
		expect(String((await admin('resume'))['content'])).toContain(`<#${f.open}>`);
		expect((await h.store.subscriptions.get(f.g.id, f.open))?.paused).toBeNull();
		await admin('unsubscribe');
		expect(await h.store.subscriptions.get(f.g.id, f.open)).toBeNull();
		// Discord offers forums in the option's picker.
		for (const c of [resumeCommand, unsubscribeCommand]) expect((c.data.options?.[0] as { channel_types: number[] }).channel_types).toContain(15);
	});
});
