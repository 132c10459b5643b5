import { Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { planDigest } from '../src/delivery/plan.ts';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest, type FixturePaper } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * What a crash leaves behind: the first message was accepted by Discord, its send written down
 * as pending, but the ledger never heard of it.
 */
async function crashAfterFirstSend(h: Harness, guildId: string, channelId: string, date: string, sentAt: Date): Promise<string[]> {
	const sub = (await h.store.subscriptions.get(guildId, channelId))!;
	const [first] = planDigest({ sub, date, papers: h.bot.ctx.archive.digest(date)!.papers, delivered: new Set(), locale: 'en-US' });
	await h.bot.client.rest.post(Routes.channelMessages(channelId), { body: first!.body });
	await h.store.ledger.setPending(channelId, date, { nonce: first!.nonce, paperIds: first!.paperIds, at: sentAt.toISOString() });
	return first!.paperIds;
}

describe('delivery recovers without posting twice or skipping', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	async function setup(opts: { nonceWindowMs?: number } = {}) {
		h = await startHarness({
			emulator: opts.nonceWindowMs === undefined ? {} : { nonceWindowMs: opts.nonceWindowMs },
			bot: { settleMs: 0, scheduler: { retryBaseMs: 60_000 } },
			guilds: [{ channels: 1 }],
		});
		const g = h.guilds[0]!;
		return { g, ch: g.channels[0]! };
	}

	it('a send lost in a crash, then the digest rewritten: resent with its own nonce, deduplicated by Discord', async () => {
		const { g, ch } = await setup();
		const date = today();
		const papers = papersFor(date, 8);
		await writeDigest(`${h!.dir}/digests`, date, papers);
		await h!.bot.refresh();
		await subscribe(h!.store, g.id, ch);
		await crashAfterFirstSend(h!, g.id, ch, date, new Date());
		const extra: FixturePaper = { id: `${date.slice(2, 4)}${date.slice(5, 7)}.99999`, title: 'A late addition', votes: 1 };
		await writeDigest(`${h!.dir}/digests`, date, [extra, ...papers]);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		const ids = receivedIds(h!.emu, ch);
		expect(ids.sort()).toEqual([extra.id, ...papers.map((p) => p.id)].sort());
		expect(h!.emu.messages(ch).filter((m) => String(m.body['content'] ?? '').includes('Daily Papers'))).toHaveLength(1);
	});

	it('a send lost longer ago than Discord remembers nonces is found in the channel, not sent again', async () => {
		const { g, ch } = await setup({ nonceWindowMs: 1 });
		const date = today();
		const papers = papersFor(date, 8);
		await writeDigest(`${h!.dir}/digests`, date, papers);
		await h!.bot.refresh();
		await subscribe(h!.store, g.id, ch);
		await crashAfterFirstSend(h!, g.id, ch, date, new Date(Date.now() - 10 * 60_000));
		await writeDigest(`${h!.dir}/digests`, date, [{ id: `${date.slice(2, 4)}${date.slice(5, 7)}.99999`, title: 'Late', votes: 1 }, ...papers]);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		const ids = receivedIds(h!.emu, ch);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(9);
		expect(h!.logs.some((l) => l.includes('found a message sent before a crash'))).toBe(true);
	});

	it('a message Discord rejects (400) is set aside and logged; the rest of the digest and later ones still go out', async () => {
		const { g, ch } = await setup();
		const date = today();
		await subscribe(h!.store, g.id, ch);
		h!.emu.fault({ method: 'POST', path: `/channels/${ch}/messages`, status: 400, code: 50035, times: 1 });
		await writeDigest(`${h!.dir}/digests`, date, papersFor(date, 12));
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		const sub = await h!.store.subscriptions.get(g.id, ch);
		expect(sub?.paused).toBeNull();
		expect(sub?.lastDeliveredDate).toBe(date);
		expect(receivedIds(h!.emu, ch).length).toBeGreaterThan(0);
		expect(receivedIds(h!.emu, ch).length).toBeLessThan(12);
		expect(h!.logs.some((l) => l.includes('Discord rejected a message') && l.includes('"level":"error"'))).toBe(true);
	});

	it('top N counts what was already posted when a digest is rewritten with new votes', async () => {
		const { g, ch } = await setup();
		const date = today();
		await subscribe(h!.store, g.id, ch, { top: 3 });
		const papers = papersFor(date, 6);
		await writeDigest(`${h!.dir}/digests`, date, papers);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		expect(receivedIds(h!.emu, ch)).toHaveLength(3);
		await writeDigest(
			`${h!.dir}/digests`,
			date,
			papers.map((p, i) => ({ ...p, votes: 100 - i })),
		);
		await h!.bot.refresh();
		await h!.bot.ctx.scheduler.idle();
		expect(receivedIds(h!.emu, ch)).toHaveLength(3);
	});

	it('a channel deleted while the bot was away loses its subscription instead of staying paused', async () => {
		let g = { id: '', channels: [] as string[] };
		h = await startHarness({
			bot: { settleMs: 0 },
			setup: (emu) => {
				g = emu.addGuild({ channels: 2 });
				emu.deleteChannel(g.channels[1]!); // before the bot connects: it never sees CHANNEL_DELETE
			},
		});
		const [kept, gone] = g.channels as [string, string];
		const date = today();
		await subscribe(h.store, g.id, kept);
		await subscribe(h.store, g.id, gone);
		await writeDigest(`${h.dir}/digests`, date, papersFor(date, 2));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, kept)).toHaveLength(2);
		expect(await h.store.subscriptions.get(g.id, gone)).toBeNull();
		expect(h.logs.some((l) => l.includes('channel no longer exists; subscription removed'))).toBe(true);
	});

	it('/unsubscribe stops a delivery in flight before its next message', async () => {
		h = await startHarness({
			emulator: { responseDelayMs: [150, 200] },
			bot: { settleMs: 0 },
			guilds: [{ channels: 1 }],
		});
		const g = h.guilds[0]!;
		const ch = g.channels[0]!;
		const date = today();
		await subscribe(h.store, g.id, ch);
		await writeDigest(`${h.dir}/digests`, date, papersFor(date, 60));
		const run = h.bot.refresh();
		await until(() => h!.emu.messages(ch).length >= 1);
		const res = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: ch, type: 2, permissions: String(1n << 4n), data: { name: 'unsubscribe', type: 1, options: [] } }),
		);
		expect(JSON.stringify(res)).toContain('Unsubscribed');
		await run;
		await h.bot.ctx.scheduler.idle();
		const after = h.emu.messages(ch).length;
		expect(after).toBeLessThan(8); // 60 papers need more than 8 messages
		expect(h.bot.ctx.scheduler.nextRun({ guildId: g.id, channelId: ch })).toBeNull();
		await h.bot.refresh(); // a later wake-up finds nothing to resume for the channel
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(ch).length).toBe(after);
	});
});

describe('delivery wakes even when a cron fire is lost', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('the safety sweep delivers a digest whose daily wake-up never fired (a DST gap, a stalled loop)', async () => {
		let g = { id: '', channels: [] as string[] };
		const clock = new Date('2026-03-08T07:45:00Z'); // 03:45 in New York on the spring-forward day: 02:30 never happened
		h = await startHarness({
			bot: { now: () => clock, settleMs: 0, scheduler: { cronPattern: () => '0 0 1 1 *', sweepMs: 200 } },
			setup: async (emu, dir) => {
				g = emu.addGuild({ channels: 1 });
				await writeDigest(`${dir}/digests`, '2026-03-08', papersFor('2026-03-08', 3));
			},
		});
		const ch = g.channels[0]!;
		await subscribe(h.store, g.id, ch, { time: '02:30', timezone: 'America/New_York', startAfterDate: '2026-03-07' });
		await until(() => receivedIds(h!.emu, ch).length === 3, 5000);
	});

	it('a digest begun before midnight is finished after it, not a day late', async () => {
		let g = { id: '', channels: [] as string[] };
		let clock = new Date('2026-03-10T22:30:00Z');
		h = await startHarness({
			emulator: { responseDelayMs: [100, 150] },
			bot: { now: () => clock, settleMs: 0, scheduler: { retryBaseMs: 60_000 } },
			setup: async (emu, dir) => {
				g = emu.addGuild({ channels: 1 });
				await writeDigest(`${dir}/digests`, '2026-03-10', papersFor('2026-03-10', 30));
			},
		});
		const ch = g.channels[0]!;
		await subscribe(h.store, g.id, ch, { time: '22:00', startAfterDate: '2026-03-09' });
		const run = h.bot.ctx.scheduler.run(g.id, ch);
		await until(() => h!.emu.messages(ch).length >= 1);
		// Then an outage longer than discord.js's own retries.
		h.emu.fault({ method: 'POST', path: `/channels/${ch}/messages`, status: 500, times: 1000 });
		expect((await run)?.kind).toBe('retry');
		const partial = receivedIds(h.emu, ch).length;
		expect(partial).toBeGreaterThan(0);
		expect(partial).toBeLessThan(30);

		h.emu.clearFaults();
		clock = new Date('2026-03-11T00:30:00Z'); // past midnight, long before 22:00
		await h.bot.ctx.scheduler.run(g.id, ch);
		expect(receivedIds(h.emu, ch)).toEqual(papersFor('2026-03-10', 30).map((p) => p.id));
	});
});
