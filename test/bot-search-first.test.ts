import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startHarness, type Harness } from './helpers/bot.ts';
import { blockBound, sampled } from './helpers/event-loop.ts';
import { writeLargeArchive, type LargeArchive } from './helpers/large-archive.ts';

const STRING = 3;
// About 9,000 papers of real-sized text: their search index takes seconds to build here, so it
// is still being built when the bot has logged in and the first command arrives.
const DAYS = 600;
const PER_DAY = 15;

type Embed = { title?: string; description?: string; footer?: { text?: string } };

describe('the first /search after a start on a large archive (real discord.js, loopback emulator)', () => {
	let h: Harness;
	let big: LargeArchive;
	let guildId = '';
	let channelId = '';

	beforeAll(async () => {
		h = await startHarness({
			setup: async (emu, dir) => {
				const g = emu.addGuild({ name: 'Research', channels: 1 });
				guildId = g.id;
				channelId = g.channels[0] ?? '';
				big = await writeLargeArchive(`${dir}/digests`, { days: DAYS, perDay: PER_DAY });
			},
		});
	}, 180_000);
	afterAll(async () => h?.stop());

	it('is answered, while /help and autocomplete asked at the same time are answered within a second and the loop never stalls long', async () => {
		// Only meaningful while the index is still being built.
		expect(h.bot.ctx.archive.searchReady()).toBe(false);
		const delay = monitorEventLoopDelay({ resolution: 10 });
		delay.enable();
		await sampled(delay);
		const started = performance.now();
		const search = h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'gaussian splatting' }]) });
		const help = h.emu.interact({ guildId, channelId, type: 2, data: command('help') });
		const typed = h.emu.interact({ guildId, channelId, type: 4, data: command('paper', [{ name: 'id', type: STRING, value: '1501.0000', focused: true }]) });
		// Page buttons of answers from before the restart: one turns, one now finds nothing.
		const page = h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'search:gaussian splatting:2', component_type: 2 } });
		const gone = h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'search:zzqqxx:2', component_type: 2 } });

		await help.response(5000);
		expect(help.answeredInMs()).toBeLessThan(1000);
		const choices = (await typed.response(5000)).data?.['choices'] as { value: string }[];
		expect(typed.answeredInMs()).toBeLessThan(1000);
		expect(choices.map((c) => c.value)).toEqual([
			'1501.00001',
			'1501.00002',
			'1501.00003',
			'1501.00004',
			'1501.00005',
			'1501.00006',
			'1501.00007',
			'1501.00008',
			'1501.00009',
		]);

		// Deferred at once, then the answer once the index is complete.
		const first = await search.response(5000);
		expect(search.answeredInTime()).toBe(true);
		expect(first.type).toBe(5);
		const [edit] = await search.waitForEdits(1, 120_000);
		const waited = performance.now() - started;
		await sampled(delay);
		delay.disable();
		const embed = (edit?.['embeds'] as Embed[] | undefined)?.[0];
		expect(embed?.title).toContain('gaussian splatting');
		expect(embed?.footer?.text).toContain(`${big.splatting.length} matches`);
		expect(embed?.description).toContain('Gaussian Splatting');
		expect(delay.max / 1e6).toBeLessThan(blockBound(waited));
		expect(h.logs.filter((l) => l.includes('command failed'))).toEqual([]);

		// The page buttons were acknowledged in time as updates, then filled in.
		expect((await page.response(5000)).type).toBe(6);
		expect(page.answeredInTime()).toBe(true);
		const [turned] = await page.waitForEdits(1, 60_000);
		expect((turned?.['embeds'] as Embed[] | undefined)?.[0]?.footer?.text).toMatch(/^Page 2\//);
		expect((await gone.response(5000)).type).toBe(6);
		const [notice] = await gone.waitForFollowups(1, 60_000);
		expect(notice?.['content']).toContain('No paper matches');
		expect(notice?.['flags']).toBe(64);
		// The message that button sits on is left as it was.
		expect(h.emu.requests.filter((r) => r.method === 'DELETE' && r.path.includes(gone.token))).toEqual([]);
	}, 180_000);

	it('once the index is ready, /search answers without deferring', async () => {
		await h.bot.ctx.archive.whenSearchReady();
		const res = await h.emu
			.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'gaussian splatting' }]) })
			.response(5000);
		expect(res.type).toBe(4);
		expect((res.data?.['embeds'] as Embed[])[0]?.footer?.text).toContain(`${big.splatting.length} matches`);
	});
});
