import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startHarness, type Harness } from './helpers/bot.ts';
import { blockBound, sampled } from './helpers/event-loop.ts';
import { writeLargeArchive, type LargeArchive } from './helpers/large-archive.ts';

const STRING = 3;
// About 9,000 papers of real-sized text: the index is built as they load, before the bot logs in.
const DAYS = 600;
const PER_DAY = 15;

type Embed = { title?: string; description?: string; footer?: { text?: string } };

describe('the first commands after a start on a large archive (real discord.js, loopback emulator)', () => {
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

	it('answers /search, autocomplete and page buttons at once, in full, as soon as it is logged in: the index was built as the archive loaded', async () => {
		const delay = monitorEventLoopDelay({ resolution: 10 });
		delay.enable();
		await sampled(delay);
		const started = performance.now();
		const search = h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'gaussian splatting' }]) });
		const help = h.emu.interact({ guildId, channelId, type: 2, data: command('help') });
		const typed = h.emu.interact({ guildId, channelId, type: 4, data: command('paper', [{ name: 'id', type: STRING, value: 'gaussian spl', focused: true }]) });
		const byId = h.emu.interact({ guildId, channelId, type: 4, data: command('paper', [{ name: 'id', type: STRING, value: '1501.0000', focused: true }]) });
		// Page buttons of answers from before the restart: one turns, one now finds nothing.
		const page = h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'search:gaussian splatting:2', component_type: 2 } });
		const gone = h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'search:zzqqxx:2', component_type: 2 } });

		await help.response(5000);
		expect(help.answeredInMs()).toBeLessThan(1000);
		const titles = (await typed.response(5000)).data?.['choices'] as { name: string }[];
		expect(typed.answeredInMs()).toBeLessThan(1000);
		expect(titles).toHaveLength(25);
		for (const c of titles) expect(c.name.toLowerCase()).toContain('gaussian spl');
		const ids = (await byId.response(5000)).data?.['choices'] as { value: string }[];
		expect(ids.map((c) => c.value)).toEqual(Array.from({ length: 9 }, (_, i) => `1501.0000${i + 1}`));

		const first = await search.response(5000);
		expect(search.answeredInMs()).toBeLessThan(1000);
		expect(first.type).toBe(4);
		const embed = (first.data?.['embeds'] as Embed[] | undefined)?.[0];
		expect(embed?.title).toContain('gaussian splatting');
		expect(embed?.footer?.text).toContain(`${big.splatting.length} matches`);
		expect(embed?.description).toContain('Gaussian Splatting');

		const turned = await page.response(5000);
		expect(page.answeredInMs()).toBeLessThan(1000);
		expect((turned.data?.['embeds'] as Embed[] | undefined)?.[0]?.footer?.text).toMatch(/^Page 2\//);
		const notice = await gone.response(5000);
		expect(notice.data?.['content']).toContain('No paper matches');
		expect(notice.data?.['flags']).toBe(64);
		await sampled(delay);
		delay.disable();
		expect(delay.max / 1e6).toBeLessThan(blockBound(performance.now() - started));
		expect(h.logs.filter((l) => l.includes('command failed'))).toEqual([]);
	}, 60_000);
});
