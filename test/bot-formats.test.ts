import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest, type FixturePaper } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const STRING = 3;
const BOOLEAN = 5;
const MANAGE_CHANNELS = String(1n << 4n);

type Embed = { url?: string; description?: string; fields?: Array<{ name: string; value: string }> };
type Row = { components: Array<{ type: number; custom_id: string; options?: Array<{ value: string; label: string }> }> };

const embedsOf = (body: Record<string, unknown>) => (body['embeds'] as Embed[] | undefined) ?? [];
const rowsOf = (body: Record<string, unknown>) => (body['components'] as Row[] | undefined) ?? [];
/** Paper ids a compact message lists, in its order. */
const listedIds = (body: Record<string, unknown>) =>
	embedsOf(body).flatMap((e) => [...(e.description ?? '').matchAll(/\(https:\/\/arxiv\.org\/abs\/([^)]+)\)/g)].map((m) => m[1]));

describe('channel formats and topic filters end to end (real discord.js, loopback emulator)', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('compact posts a 40-paper day as at most two list messages whose menus answer the full card ephemerally', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 1 }] });
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		await subscribe(h.store, g.id, ch, { format: 'compact' });
		const today = new Date().toISOString().slice(0, 10);
		const papers = papersFor(today, 40).map((p, i) => ({ ...p, title: `${p.title}: ${'a long and winding title '.repeat(i % 5)}`.trim() }));
		await writeDigest(`${h.dir}/digests`, today, papers);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();

		const posted = h.emu.messages(ch);
		expect(posted.length).toBeGreaterThanOrEqual(1);
		expect(posted.length).toBeLessThanOrEqual(2);
		expect(posted.flatMap((m) => listedIds(m.body))).toEqual(papers.map((p) => p.id));
		expect(String(posted[0]?.body['content'])).toContain(`${today}`);
		for (const m of posted) {
			expect(m.body['allowed_mentions']).toEqual({ parse: [] });
			for (const line of (embedsOf(m.body)[0]?.description ?? '').split('\n'))
				expect(line).toMatch(
					/^\*\*\d+\.\*\* \[.+\]\(https:\/\/arxiv\.org\/abs\/.+\)\u00a0·\u00a0▲\u00a0\d+\u00a0·\u00a0\[HF\]\(https:\/\/huggingface\.co\/papers\/.+\)$/,
				);
		}
		// Every paper is in exactly one menu, each menu at most 25.
		const menus = posted.flatMap((m) => rowsOf(m.body).flatMap((r) => r.components));
		expect(menus.every((c) => c.type === 3 && (c.options?.length ?? 0) <= 25)).toBe(true);
		expect(menus.flatMap((c) => c.options?.map((o) => o.value) ?? [])).toEqual(papers.map((p) => p.id));

		// A member picks a paper: the card, to them alone, in their language, with its links.
		const menu = menus[0]!;
		const picked = papers[3]!.id;
		const answer = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: ch, type: 3, locale: 'ko', data: { custom_id: menu.custom_id, component_type: 3, values: [picked] } }),
		);
		expect(answer['flags']).toBe(64);
		const card = embedsOf(answer)[0];
		expect(card?.url).toBe(`https://arxiv.org/abs/${picked}`);
		const links = card?.fields?.find((f) => f.name === '링크')?.value ?? '';
		expect(links).toContain(`https://arxiv.org/pdf/${picked}`);
		expect(links).toContain(`https://huggingface.co/papers/${picked}`);
		// Stateless: a menu under a digest from before a restart (any date in the archive) still answers.
		const old = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: ch, type: 3, data: { custom_id: `card:${today}:7`, component_type: 3, values: [papers[39]!.id] } }),
		);
		expect(embedsOf(old)[0]?.url).toBe(`https://arxiv.org/abs/${papers[39]!.id}`);
		const forged = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: ch, type: 3, data: { custom_id: 'card:yesterday:0', component_type: 3, values: ['x'] } }),
		);
		expect(forged['flags']).toBe(64);
		expect(String(forged['content'])).toContain('no longer valid');
	});

	it('compact with a thread: the index in the channel, the cards in the day’s thread', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 1 }] });
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		await subscribe(h.store, g.id, ch, { format: 'compact', thread: true });
		const today = new Date().toISOString().slice(0, 10);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 30));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		const index = h.emu.messages(ch);
		expect(index.flatMap((m) => listedIds(m.body))).toEqual(papersFor(today, 30).map((p) => p.id));
		const threadId = await h.store.ledger.getThread(ch, today);
		expect(threadId).toBe(index[0]?.id);
		const cards = h.emu.messages(threadId!).flatMap((m) => embedsOf(m.body).map((e) => e.url?.split('/abs/')[1]));
		expect(cards).toEqual(papersFor(today, 30).map((p) => p.id));
		// Another wake-up posts nothing more in either place.
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(ch).length + h.emu.messages(threadId!).length).toBe(index.length + h.emu.messages(threadId!).length);
	});

	it('include and exclude keep a channel to its topic, Korean words included, with min_votes and top', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 3 }] });
		const g = h.guilds[0]!;
		const [llm, noVision, korean] = g.channels as [string, string, string];
		const papers: FixturePaper[] = [
			{ id: '2501.00001', title: 'Scaling LLM Reasoning', votes: 50 },
			{ id: '2501.00002', title: 'Diffusion for Video', votes: 40, new: '비디오 생성을 위한 확산 모델을 제안합니다.' },
			{ id: '2501.00003', title: 'Vision Transformers Revisited', votes: 30 },
			{ id: '2501.00004', title: 'Small LLM Agents', votes: 5 },
			{ id: '2501.00005', title: 'Reinforcement Learning from Feedback', votes: 20, new: '강화학습으로 언어모델을 정렬합니다.' },
		];
		await subscribe(h.store, g.id, llm, { include: ['llm', 'reinforcement learning'], minVotes: 10 });
		await subscribe(h.store, g.id, noVision, { exclude: ['vision', 'video'], top: 2 });
		await subscribe(h.store, g.id, korean, { include: ['강화학습', '확산'] });
		const today = new Date().toISOString().slice(0, 10);
		await writeDigest(`${h.dir}/digests`, today, papers);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		const ids = (c: string) => h!.emu.messages(c).flatMap((m) => embedsOf(m.body).map((e) => e.url?.split('/abs/')[1]));
		expect(ids(llm)).toEqual(['2501.00001', '2501.00005']);
		expect(ids(noVision)).toEqual(['2501.00001', '2501.00005']);
		expect(ids(korean)).toEqual(['2501.00002', '2501.00005']);
	});

	it('/subscribe saves format and filters, confirms every option, and /subscriptions shows them', async () => {
		h = await startHarness({ guilds: [{ channels: 1 }] });
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		const run = (options: Array<{ name: string; type: number; value: unknown }>, locale = 'en-US') =>
			answerOf(h!.emu.interact({ guildId: g.id, channelId: ch, type: 2, locale, permissions: MANAGE_CHANNELS, data: { name: 'subscribe', type: 1, options } }));
		const saved = await run([
			{ name: 'format', type: STRING, value: 'compact' },
			{ name: 'include', type: STRING, value: 'LLM,  reasoning , LLM' },
			{ name: 'exclude', type: STRING, value: 'survey' },
		]);
		expect(String(saved['content'])).toContain('a compact list with summaries on request');
		expect(String(saved['content'])).toContain('only papers about `LLM`, `reasoning`');
		expect(String(saved['content'])).toContain('none about `survey`');
		const sub = await h.store.subscriptions.get(g.id, ch);
		expect(sub).toMatchObject({ format: 'compact', include: ['LLM', 'reasoning'], exclude: ['survey'] });
		// Changing one option keeps the others; "-" clears a filter.
		const updated = await run([{ name: 'include', type: STRING, value: '-' }], 'ko');
		expect(String(updated['content'])).toContain('요약은 골라 읽는 간단한 목록');
		expect(await h.store.subscriptions.get(g.id, ch)).toMatchObject({ format: 'compact', include: [], exclude: ['survey'] });
		const bad = await run([{ name: 'include', type: STRING, value: ' , ;; ' }]);
		expect(bad['flags']).toBe(64);
		expect(String(bad['content'])).toContain('holds no word to match');
		const list = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: ch, type: 2, permissions: MANAGE_CHANNELS, data: { name: 'subscriptions', type: 1, options: [] } }),
		);
		expect(JSON.stringify(list)).toContain('compact');
		expect(JSON.stringify(list)).toContain('not: `survey`');
	});

	it('/subscribe preview:true answers with exactly the messages it would post, ephemerally, and saves nothing', async () => {
		h = await startHarness({
			guilds: [{ channels: 1 }],
			setup: async (_emu, dir) => {
				await writeDigest(`${dir}/digests`, '2026-01-05', papersFor('2026-01-05', 30));
			},
		});
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		const handle = h.emu.interact({
			guildId: g.id,
			channelId: ch,
			type: 2,
			permissions: MANAGE_CHANNELS,
			data: {
				name: 'subscribe',
				type: 1,
				options: [
					{ name: 'format', type: STRING, value: 'compact' },
					{ name: 'preview', type: BOOLEAN, value: true },
				],
			},
		});
		const intro = await answerOf(handle);
		expect(intro['flags']).toBe(64);
		expect(String(intro['content'])).toContain('Preview');
		await until(() => handle.followups().length >= 1);
		const previews = handle.followups();
		expect(previews.every((f) => (Number(f['flags']) & 64) === 64)).toBe(true);
		expect(previews.flatMap((f) => listedIds(f))).toEqual(papersFor('2026-01-05', 30).map((p) => p.id));
		expect(rowsOf(previews[0]!).length).toBeGreaterThan(0);
		expect(await h.store.subscriptions.get(g.id, ch)).toBeNull();
		expect(h.emu.messages(ch)).toHaveLength(0);
	});

	it('a weekly roll-up posts the week’s most-voted papers once per ISO week, on its day, across wake-ups', async () => {
		let clock = new Date('2026-03-16T10:00:00Z'); // a Monday
		h = await startHarness({ bot: { now: () => clock, settleMs: 0 }, guilds: [{ channels: 1 }] });
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		const digests = `${h.dir}/digests`;
		await writeDigest(
			digests,
			'2026-03-06',
			papersFor('2026-03-06', 5, () => 500),
		); // the week before: not in this roll-up
		await writeDigest(
			digests,
			'2026-03-10',
			papersFor('2026-03-10', 5, (i) => 10 + i),
		);
		await writeDigest(
			digests,
			'2026-03-13',
			papersFor('2026-03-13', 5, (i) => 100 - i),
		);
		await writeDigest(
			digests,
			'2026-03-16',
			papersFor('2026-03-16', 5, () => 999),
		); // today's: next week's roll-up
		await subscribe(h.store, g.id, ch, { time: '09:00', cadence: 'weekly', weekday: 1, top: 3, format: 'compact' });
		await h.bot.refresh();
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		const posted = h.emu.messages(ch);
		expect(posted).toHaveLength(1);
		expect(String(posted[0]?.body['content'])).toContain('2026-03-09 – 2026-03-15');
		expect(listedIds(posted[0]!.body)).toEqual(papersFor('2026-03-13', 3).map((p) => p.id));
		expect((await h.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBe('2026-03-16');

		// Later the same week, on another weekday: that ISO week already had its roll-up.
		await h.store.subscriptions.patch(g.id, ch, { weekday: 3 });
		clock = new Date('2026-03-18T10:00:00Z');
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(ch)).toHaveLength(1);

		// Back on Mondays: the next roll-up holds its own week's papers only.
		await h.store.subscriptions.patch(g.id, ch, { weekday: 1 });
		clock = new Date('2026-03-23T10:00:00Z');
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		const next = h.emu.messages(ch);
		expect(next).toHaveLength(2);
		expect(String(next[1]?.body['content'])).toContain('2026-03-16 – 2026-03-22');
		expect(listedIds(next[1]!.body)).toEqual(papersFor('2026-03-16', 3).map((p) => p.id));

		// A week without digests posts nothing, and is done with.
		clock = new Date('2026-03-30T10:00:00Z');
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(ch)).toHaveLength(2);
		expect((await h.store.subscriptions.get(g.id, ch))?.lastDeliveredDate).toBe('2026-03-30');
	});
});
