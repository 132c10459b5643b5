import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { bodyHash } from '../src/delivery/redraw.ts';
import type { Emulator } from '../emulator/index.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest, type FixturePaper } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

type Embed = { url?: string; title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const embedsOf = (body: Record<string, unknown>) => (body['embeds'] as Embed[] | undefined) ?? [];
const requests = (emu: Emulator, method: string, pattern: RegExp) => emu.requests.filter((r) => r.method === method && pattern.test(r.path));
const posts = (emu: Emulator) => requests(emu, 'POST', /\/channels\/\d+\/messages$/).filter((r) => r.status === 200);
const patches = (emu: Emulator) => requests(emu, 'PATCH', /\/channels\/\d+\/messages\/\d+$/);

const DAY = '2026-08-22';
const withVotes = (papers: FixturePaper[], votes: (i: number) => number) => papers.map((p, i) => ({ ...p, votes: votes(i) }));

describe('a rewritten digest edits what was posted (real discord.js, loopback emulator)', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	async function rewrite(papers: FixturePaper[]): Promise<void> {
		await writeDigest(`${h!.dir}/digests`, DAY, papers);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
	}

	async function start(clock: () => Date, env: Record<string, string> = {}, channels = 1) {
		h = await startHarness({ bot: { now: clock, settleMs: 0 }, guilds: [{ channels }], env });
		return h.guilds[0]!;
	}

	/** The store on the test's clock too: the window counts from when the store says the first post was. */
	async function startOnClock(clock: () => Date, env: Record<string, string>) {
		const dir = await mkdtemp(join(tmpdir(), 'paperboy-edits-'));
		const store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`, { now: clock });
		h = await startHarness({ bot: { now: clock, settleMs: 0 }, guilds: [{ channels: 1 }], env, store });
		const stop = h.stop;
		h.stop = async () => {
			await stop();
			await store.close();
			await rm(dir, { recursive: true, force: true });
		};
		return h.guilds[0]!;
	}

	it('new votes edit each card message in place: no message deleted or sent again, and the edit is remembered', async () => {
		const g = await start(() => new Date(`${DAY}T10:00:00Z`));
		const ch = g.channels[0]!;
		await subscribe(h!.store, g.id, ch, { mentionRoleId: '123456789012345678' });
		const morning = papersFor(DAY, 22);
		await rewrite(morning);
		const first = h!.emu.messages(ch);
		expect(first.length).toBe(3); // 22 short cards, ten to a message
		const sentBefore = posts(h!.emu).length;

		// The afternoon version: new votes on the papers of the first and third message only.
		await rewrite(withVotes(morning, (i) => (i < 4 || i === 21 ? 100 + i : i + 1)));
		expect(posts(h!.emu).length).toBe(sentBefore);
		const edits = patches(h!.emu);
		expect(edits.map((r) => r.path.split('/').at(-1))).toEqual([first[0]!.id, first[2]!.id]);
		const now = h!.emu.messages(ch);
		expect(now.map((m) => m.id)).toEqual(first.map((m) => m.id));
		expect(JSON.stringify(embedsOf(now[0]!.message))).toContain('100');
		// The header and its mention stay, and an edit pings nobody.
		expect(now[0]!.message['content']).toBe(first[0]!.message['content']);
		for (const r of edits) expect((r.body as Record<string, unknown>)['allowed_mentions']).toEqual({ parse: [] });
		// The store holds what each message now shows: another pass (or a restart) edits nothing again.
		const ledger = await h!.store.ledger.sent(ch, DAY);
		const byMessage = new Map([...ledger.values()].map((e) => [e.messageId, e]));
		expect(byMessage.get(first[0]!.id)?.view?.hash).toBe(bodyHash(now[0]!.message as never));
		await h!.bot.ctx.scheduler.onDigestsChanged();
		await h!.bot.ctx.scheduler.idle();
		expect(patches(h!.emu)).toHaveLength(2);
		expect(receivedIds(h!.emu, ch)).toEqual(morning.map((p) => p.id));
	});

	it('papers added to a day already posted go out under a header that says so; top still applies', async () => {
		const g = await start(() => new Date(`${DAY}T10:00:00Z`), {}, 2);
		const [all, top5] = g.channels as [string, string];
		await subscribe(h!.store, g.id, all, { mentionRoleId: '123456789012345678' });
		await subscribe(h!.store, g.id, top5, { top: 5 });
		const morning = papersFor(DAY, 3);
		await rewrite(morning);
		const added = [...morning, ...papersFor('2026-08-23', 3).map((p) => ({ ...p, votes: 50 }))];
		await rewrite(added);
		const late = h!.emu.messages(all).at(-1)!;
		expect(String(late.body['content'])).toBe(`📰 **3 papers added to the ${DAY} digest**`);
		expect(late.body['allowed_mentions']).toEqual({ parse: [] });
		expect(receivedIds(h!.emu, all)).toEqual(added.map((p) => p.id));
		// Room for two more under top 5: the two most-voted of the three new ones.
		expect(receivedIds(h!.emu, top5)).toEqual(added.slice(0, 5).map((p) => p.id));
		expect(String(h!.emu.messages(top5).at(-1)!.body['content'])).toContain('2 papers added');
		expect(patches(h!.emu)).toHaveLength(0);
	});

	it('the rest of a run interrupted half-way goes out without an "added" header', async () => {
		const g = await start(() => new Date(`${DAY}T10:00:00Z`));
		const ch = g.channels[0]!;
		await subscribe(h!.store, g.id, ch);
		const papers = papersFor(DAY, 8);
		// What a run cut short after its first message leaves: one message recorded, the day not complete.
		await h!.store.ledger.recordDelivered(ch, DAY, 'first-message', { messageId: '1000000000000000001', paperIds: papers.slice(0, 4).map((p) => p.id) });
		await rewrite(papers);
		expect(receivedIds(h!.emu, ch)).toEqual(papers.slice(4).map((p) => p.id));
		expect(h!.emu.messages(ch).map((m) => m.body['content'])).toEqual([undefined]);
	});

	it('compact lists and thread mode are edited the same way, in the channel and in the thread', async () => {
		const g = await start(() => new Date(`${DAY}T10:00:00Z`), {}, 2);
		const [compact, threaded] = g.channels as [string, string];
		await subscribe(h!.store, g.id, compact, { format: 'compact' });
		await subscribe(h!.store, g.id, threaded, { format: 'compact', thread: true });
		const morning = papersFor(DAY, 30);
		await rewrite(morning);
		const threadId = (await h!.store.ledger.getThread(threaded, DAY))!;
		const before = { compact: h!.emu.messages(compact), index: h!.emu.messages(threaded), cards: h!.emu.messages(threadId) };
		const customIds = JSON.stringify(before.compact.map((m) => m.body['components']).flat()).match(/card:[^"]+/g);

		await rewrite(withVotes(morning, (i) => (i === 0 ? 999 : i + 1)));
		const after = { compact: h!.emu.messages(compact), index: h!.emu.messages(threaded), cards: h!.emu.messages(threadId) };
		for (const k of ['compact', 'index', 'cards'] as const) expect(after[k].map((m) => m.id)).toEqual(before[k].map((m) => m.id));
		// The list line of paper 1, the index line above the thread, and its card in the thread.
		const edited = new Set(patches(h!.emu).map((r) => r.path.split('/').at(-1)));
		expect(edited).toEqual(new Set([before.compact[0]!.id, before.index[0]!.id, before.cards[0]!.id]));
		expect(embedsOf(after.compact[0]!.message)[0]?.description).toContain(
			'**1.** [Paper 1 of 2026-08-22](https://arxiv.org/abs/2608.22000)\u00a0·\u00a0▲\u00a0999',
		);
		expect(embedsOf(after.index[0]!.message)[0]?.description).toContain('▲\u00a0999');
		expect(JSON.stringify(after.cards[0]!.message['embeds'])).toContain('999');
		// The menus keep their ids, so a member's pick still works.
		expect(JSON.stringify(after.compact.map((m) => m.message['components']).flat()).match(/card:[^"]+/g)).toEqual(customIds);
	});

	it('a forum post is edited like a thread: the cards inside it, in place', async () => {
		h = await startHarness({ bot: { now: () => new Date(`${DAY}T10:00:00Z`), settleMs: 0 }, guilds: [{ channels: [{ type: 15, name: 'papers' }] }] });
		const g = h.guilds[0]!;
		const forum = g.channels[0]!;
		await subscribe(h.store, g.id, forum, { channelKind: 'forum' });
		const morning = papersFor(DAY, 3);
		await rewrite(morning);
		const post = (await h.store.ledger.getThread(forum, DAY))!;
		const cards = h.emu.messages(post).filter((m) => embedsOf(m.body).length > 0);
		expect(cards).toHaveLength(1);
		await rewrite(withVotes(morning, () => 61));
		expect(patches(h.emu).map((r) => r.path)).toEqual([`/channels/${post}/messages/${cards[0]!.id}`]);
		expect(JSON.stringify(h.emu.messages(post).find((m) => m.id === cards[0]!.id)?.message['embeds'])).toContain('61');
	});

	it('a message a moderator deleted is left deleted; a 403 on an edit pauses like a send; a 500 is retried', async () => {
		const g = await start(() => new Date(`${DAY}T10:00:00Z`), {}, 3);
		const [deleted, forbidden, flaky] = g.channels as [string, string, string];
		for (const ch of g.channels) await subscribe(h!.store, g.id, ch);
		const morning = papersFor(DAY, 2);
		await rewrite(morning);
		const gone = h!.emu.messages(deleted)[0]!;
		const res = await fetch(`${h!.emu.apiBase}/v10/channels/${deleted}/messages/${gone.id}`, {
			method: 'DELETE',
			headers: { authorization: `Bot ${h!.emu.token}` },
		});
		expect(res.status).toBe(204);
		h!.emu.fault({ method: 'PATCH', path: new RegExp(`/channels/${forbidden}/messages/`), status: 403, code: 50013, message: 'Missing Permissions' });
		h!.emu.fault({ method: 'PATCH', path: new RegExp(`/channels/${flaky}/messages/`), status: 500 });

		await rewrite(withVotes(morning, () => 77));
		expect(h!.emu.messages(deleted)).toHaveLength(0);
		const view = [...(await h!.store.ledger.sent(deleted, DAY)).values()][0]?.view;
		expect(view?.deleted).toBe(true);
		expect((await h!.store.subscriptions.get(g.id, forbidden))?.paused?.code).toBe(50013);
		await until(() => JSON.stringify(h!.emu.messages(flaky)[0]?.message['embeds']).includes('77'), 60_000, 'the retried edit');

		// Another rewrite does not try the deleted message again.
		const tried = patches(h!.emu).filter((r) => r.path.includes(`/${deleted}/`)).length;
		await rewrite(withVotes(morning, () => 88));
		expect(patches(h!.emu).filter((r) => r.path.includes(`/${deleted}/`))).toHaveLength(tried);
		expect(posts(h!.emu).filter((r) => r.path.includes(`/${deleted}/`))).toHaveLength(1);
	});

	it('a paper that comes back on a later day leaves the earlier digest as it was posted', async () => {
		const g = await start(() => new Date('2026-08-23T10:00:00Z'));
		const ch = g.channels[0]!;
		await subscribe(h!.store, g.id, ch);
		const first = papersFor(DAY, 2);
		await rewrite(first);
		const posted = h!.emu.messages(ch)[0]!;
		expect(JSON.stringify(posted.body['embeds'])).toContain(`arXiv:${first[0]!.id} · ${DAY}"`);
		await writeDigest(`${h!.dir}/digests`, '2026-08-23', [{ ...first[0]!, votes: 90 }, ...papersFor('2026-08-23', 1)]);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		expect(receivedIds(h!.emu, ch)).toEqual([...first.map((p) => p.id), first[0]!.id, papersFor('2026-08-23', 1)[0]!.id]);
		// The new day's card lists both days; the earlier card is not touched.
		expect(JSON.stringify(h!.emu.messages(ch).at(-1)!.body['embeds'])).toContain(`${DAY}, 2026-08-23`);
		expect(patches(h!.emu)).toHaveLength(0);
	});

	it('a new digest goes out before the edits of a rewritten one', async () => {
		const g = await start(() => new Date('2026-08-23T10:00:00Z'));
		const ch = g.channels[0]!;
		await subscribe(h!.store, g.id, ch);
		const first = papersFor(DAY, 2);
		await rewrite(first);
		// In one scan: yesterday's file rewritten with new votes, and today's landing.
		await writeDigest(
			`${h!.dir}/digests`,
			DAY,
			withVotes(first, () => 70),
		);
		await writeDigest(`${h!.dir}/digests`, '2026-08-23', papersFor('2026-08-23', 2));
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		const order = h!.emu.requests.filter((r) => r.status === 200 && /\/channels\/\d+\/messages/.test(r.path) && r.method !== 'GET').map((r) => r.method);
		expect(order).toEqual(['POST', 'POST', 'PATCH']);
	});

	it('outside EDIT_WINDOW_HOURS of the first post a rewrite edits nothing', async () => {
		let clock = new Date(`${DAY}T10:00:00Z`);
		const g = await startOnClock(() => clock, { EDIT_WINDOW_HOURS: '2', CATCH_UP_DAYS: '7' });
		const ch = g.channels[0]!;
		await subscribe(h!.store, g.id, ch);
		const morning = papersFor(DAY, 2);
		await rewrite(morning);
		clock = new Date(`${DAY}T11:59:00Z`);
		await rewrite(withVotes(morning, () => 40));
		expect(patches(h!.emu)).toHaveLength(1);
		clock = new Date(`${DAY}T12:01:00Z`);
		await rewrite(withVotes(morning, () => 50));
		expect(patches(h!.emu)).toHaveLength(1);
		expect(posts(h!.emu)).toHaveLength(1);
	});
});
