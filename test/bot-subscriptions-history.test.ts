import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { subscribe } from './helpers/subscriptions.ts';

const MANAGE_CHANNELS = String(1n << 4n);

describe('/subscriptions tells what was posted apart from what was checked', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	const list = async (h: Harness, locale = 'en-US') => {
		const g = h.guilds[0]!;
		return JSON.stringify(
			await answerOf(
				h.emu.interact({
					guildId: g.id,
					channelId: g.channels[0]!,
					type: 2,
					locale,
					permissions: MANAGE_CHANNELS,
					data: { name: 'subscriptions', type: 1, options: [] },
				}),
			),
		);
	};

	it('a channel whose filter kept nothing shows it was checked, not posted to', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 2 }] });
		const g = h.guilds[0]!;
		const date = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, g.channels[0]!, { minVotes: 1000, lastPostedDate: null });
		await subscribe(h.store, g.id, g.channels[1]!, { lastPostedDate: null });
		await writeDigest(`${h.dir}/digests`, date, papersFor(date, 3));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(g.channels[0]!)).toHaveLength(0);
		expect(h.emu.messages(g.channels[1]!).length).toBeGreaterThan(0);
		const filtered = await h.store.subscriptions.get(g.id, g.channels[0]!);
		expect(filtered).toMatchObject({ lastDeliveredDate: date, lastPostedDate: null });
		expect((await h.store.subscriptions.get(g.id, g.channels[1]!))?.lastPostedDate).toBe(date);
		const text = await list(h);
		expect(text).toContain(`last posted: never · checked: ${date}`);
		expect(text).toContain(`last posted: ${date} · checked: ${date}`);
		expect(await list(h, 'ko')).toContain(`최근 게시: 없음 · 확인: ${date}`);
	});

	it('a record from before posts were kept shows its last finished digest as posted', async () => {
		h = await startHarness({ guilds: [{ channels: 1 }] });
		const g = h.guilds[0]!;
		await subscribe(h.store, g.id, g.channels[0]!, { lastDeliveredDate: '2026-01-02' });
		expect(await list(h)).toContain('last posted: 2026-01-02 · checked: 2026-01-02');
	});
});
