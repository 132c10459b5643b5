import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';
import { messageObject } from '../emulator/index.ts';
import { messageCommandData } from '../emulator/members.ts';

const STRING = 3;
const SUB = 1;
const DATE = '2024-12-10';
const PAPERS = papersFor(DATE, 14);
const ASKER = '310000000000000001';
const OTHER = '310000000000000002';

type Row = { components: Array<{ custom_id: string; label?: string; options?: Array<{ value: string }> }> };
type Json = Record<string, unknown>;

describe('members save papers and keep their own list', () => {
	let h: Harness;
	let guild: string;
	let channel: string;
	let digestChannel: string;
	beforeAll(async () => {
		h = await startHarness({
			bot: { settleMs: 0 },
			guilds: [{ channels: 2 }],
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, DATE, PAPERS)),
		});
		guild = h.guilds[0]!.id;
		[channel, digestChannel] = h.guilds[0]!.channels as [string, string];
	});
	afterAll(async () => h?.stop());

	const run = (userId: string, data: Json, locale = 'en-US') => h.emu.interact({ guildId: guild, channelId: channel, userId, type: 2, locale, data });
	const click = (userId: string, message: Json, customId: string, locale = 'en-US') =>
		h.emu.interact({ guildId: guild, channelId: channel, userId, type: 3, locale, message, data: { custom_id: customId, component_type: 2 } });
	const choose = (userId: string, message: Json, customId: string, values: string[]) =>
		h.emu.interact({ guildId: guild, channelId: channel, userId, type: 3, message, data: { custom_id: customId, component_type: 3, values } });
	const saved = async (userId: string) => (await h.store.members.saved(userId)).map((p) => p.paperId);
	const saveMenu = (userId: string, message: Json, locale = 'en-US') => run(userId, messageCommandData('Save papers', message), locale);

	it('the 🔖 button under /paper saves the paper for whoever clicks, once, and says so privately', async () => {
		const id = PAPERS[0]!.id;
		const paper = run(ASKER, command('paper', [{ name: 'id', type: STRING, value: id }]));
		await paper.response();
		const message = paper.original()!;
		const button = (message['components'] as Row[])[0]!.components[0]!;
		expect(button).toMatchObject({ custom_id: `save:${id}`, label: '🔖 Save' });
		const first = await answerOf(click(ASKER, message, button.custom_id));
		expect(first['flags']).toBe(64);
		expect(first['content']).toContain('Saved 1 paper');
		const again = await answerOf(click(ASKER, message, button.custom_id));
		expect(again['content']).toBe('Already on your list.');
		expect(await saved(ASKER)).toEqual([id]);
		// Another member's click saves to their own list, not the asker's.
		await answerOf(click(OTHER, message, button.custom_id, 'ko'));
		expect(await saved(OTHER)).toEqual([id]);
		await h.store.members.forget(OTHER);
	});

	it('Save papers on a delivered digest offers its papers to pick from, and saves those chosen', async () => {
		await subscribe(h.store, guild, digestChannel, { time: '00:00', timezone: 'UTC' });
		// Today's digest, so it is due now and inside the catch-up window.
		const today = new Date().toISOString().slice(0, 10);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 4));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		await until(() => h.emu.messages(digestChannel).length > 0, 10_000, 'the digest delivered');
		const digest = h.emu.messages(digestChannel).find((m) => (m.message['embeds'] as unknown[]).length > 1)!.message;
		const answer = await answerOf(saveMenu(ASKER, digest));
		expect(answer['flags']).toBe(64);
		const menu = (answer['components'] as Row[])[0]!.components[0]!;
		expect(menu.custom_id).toBe(`savepick:${ASKER}:0`);
		const offered = menu.options!.map((o) => o.value);
		expect(offered.length).toBeGreaterThan(1);
		const pick = choose(ASKER, { ...answer, id: '1', flags: 64, author: h.emu.botUser, channel_id: channel }, menu.custom_id, offered.slice(0, 2));
		const done = await pick.response();
		expect(done.type).toBe(7);
		expect(done.data?.['content']).toContain('Saved 2 papers');
		expect(await saved(ASKER)).toEqual(expect.arrayContaining(offered.slice(0, 2)));
		// Someone else's choice on that menu is refused: it would save to the asker's list.
		const theirs = await answerOf(choose(OTHER, { ...answer, id: '2', author: h.emu.botUser, channel_id: channel }, menu.custom_id, offered.slice(2, 3)));
		expect(theirs['content']).toContain('belongs to another member');
		expect(await saved(OTHER)).toEqual([]);
	});

	it('Save papers on a /search answer, and on a message that is not Paperboy’s (refused, in the member’s language)', async () => {
		const search = run(ASKER, command('search', [{ name: 'query', type: STRING, value: 'Paper' }]));
		await search.response();
		const answer = await answerOf(saveMenu(ASKER, search.original()!));
		expect((answer['components'] as Row[])[0]!.components[0]!.options!.length).toBeGreaterThan(1);
		const stranger = messageObject({
			id: '399999999999999999',
			channelId: channel,
			author: { id: OTHER, username: 'someone', discriminator: '0', global_name: null, avatar: null },
			body: { content: `https://arxiv.org/abs/${PAPERS[5]!.id}` },
		});
		const refused = await answerOf(saveMenu(ASKER, stranger, 'ko'));
		expect(refused['flags']).toBe(64);
		expect(refused['content']).toContain('Paperboy가 올린 메시지');
	});

	it('/saved list is the member’s own, newest first, paged by buttons only its owner can turn', async () => {
		await h.store.members.save(
			ASKER,
			PAPERS.slice(3, 14).map((p) => p.id),
		);
		const list = run(ASKER, { name: 'saved', type: 1, options: [{ name: 'list', type: SUB, options: [] }] });
		const first = await answerOf(list);
		expect(first['flags']).toBe(64);
		const total = (await saved(ASKER)).length;
		expect(JSON.stringify(first['embeds'])).toContain(`1/2`);
		expect(JSON.stringify(first['embeds'])).toContain(PAPERS[13]!.id); // the newest saved leads
		const next = (first['components'] as Row[])[0]!.components[1]!;
		expect(next.custom_id).toBe(`saved:${ASKER}:2`);
		const message = { ...list.original()!, flags: 64 };
		// Another member pressing a copy of those buttons sees nothing of the list.
		const stranger = await answerOf(click(OTHER, message, next.custom_id));
		expect(stranger['content']).toContain('belongs to another member');
		expect(JSON.stringify(stranger)).not.toContain(PAPERS[3]!.id);
		const turned = await click(ASKER, message, next.custom_id).response();
		expect(turned.type).toBe(7);
		expect(JSON.stringify(turned.data)).toContain(`2/2 · ${total} papers`);
		// Another member's own list is empty.
		expect((await answerOf(run(OTHER, { name: 'saved', type: 1, options: [{ name: 'list', type: SUB, options: [] }] })))['content']).toContain(
			'Your list is empty',
		);
	});

	it('autocomplete for /saved remove offers the asker’s own papers only', async () => {
		const complete = async (userId: string) => {
			const res = await h.emu
				.interact({
					guildId: guild,
					channelId: channel,
					userId,
					type: 4,
					data: { name: 'saved', type: 1, options: [{ name: 'remove', type: SUB, options: [{ name: 'paper', type: STRING, value: '', focused: true }] }] },
				})
				.response();
			return ((res.data?.['choices'] as Array<{ value: string }> | undefined) ?? []).map((c) => c.value);
		};
		expect(await complete(ASKER)).toContain(PAPERS[13]!.id);
		expect(await complete(OTHER)).toEqual([]);
	});

	it('/saved remove takes a paper off one’s own list only', async () => {
		const id = PAPERS[3]!.id;
		const remove = (userId: string) =>
			run(userId, { name: 'saved', type: 1, options: [{ name: 'remove', type: SUB, options: [{ name: 'paper', type: STRING, value: id }] }] });
		const theirs = await answerOf(remove(OTHER));
		expect(theirs['content']).toContain('is not on your list');
		expect(await saved(ASKER)).toContain(id);
		const mine = await answerOf(remove(ASKER));
		expect(mine['content']).toContain('Removed');
		expect(await saved(ASKER)).not.toContain(id);
	});

	it('/saved export answers with a file: BibTeX from what the archive knows, CSV and Markdown', async () => {
		const exportAs = async (format: string) => {
			const handle = run(ASKER, {
				name: 'saved',
				type: 1,
				options: [{ name: 'export', type: SUB, options: [{ name: 'format', type: STRING, value: format }] }],
			});
			const answer = await answerOf(handle);
			expect(answer['flags']).toBe(64);
			await until(() => handle.files().length > 0, 5000, 'the export file');
			return handle.files()[0]!;
		};
		const bib = await exportAs('bibtex');
		expect(bib.filename).toMatch(/^paperboy-saved-\d{4}-\d{2}-\d{2}\.bib$/);
		const text = bib.data.toString('utf8');
		const p = PAPERS[13]!;
		expect(text).toContain(`eprint = {${p.id}}`);
		expect(text).toContain(`title = {${p.title}}`);
		expect(text).toContain('author = {Ada Lovelace and Alan Turing}');
		expect(text).toContain('year = {2024}');
		expect(text).toContain(`url = {https://arxiv.org/abs/${p.id}}`);
		expect(text.match(/@misc\{/g)).toHaveLength((await saved(ASKER)).length);
		const csv = (await exportAs('csv')).data.toString('utf8');
		expect(csv.split('\r\n')[0]).toBe('id,title,authors,year,votes,url,savedAt');
		expect(csv).toContain(`${p.id},${p.title},Ada Lovelace; Alan Turing,2024,`);
		const md = await exportAs('markdown');
		expect(md.filename.endsWith('.md')).toBe(true);
		expect(md.data.toString('utf8')).toContain(`](https://arxiv.org/abs/${p.id}) — Ada Lovelace, Alan Turing`);
	});
});
