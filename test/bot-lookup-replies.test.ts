import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';

const STRING = 3;
const INTEGER = 4;
const MANAGE_CHANNELS = String(1n << 4n);

/** What a member meets when they type rather than pick: titles, `latest`, odd values, backticks. */
describe('look-up replies as typed (real discord.js, loopback emulator)', () => {
	let h: Harness;
	let guildId = '';
	let channelId = '';

	beforeAll(async () => {
		h = await startHarness({
			setup: async (emu, dir) => {
				const g = emu.addGuild({ name: 'Research', channels: 1 });
				guildId = g.id;
				channelId = g.channels[0] ?? '';
				const digests = `${dir}/digests`;
				await writeDigest(digests, '2024-11-01', papersFor('2024-11-01', 60));
				await writeDigest(digests, '2024-12-02', papersFor('2024-12-02', 60));
				await writeDigest(digests, '2024-12-09', [
					{ id: '2412.04887', title: 'Momentum-GS: Momentum Gaussian Self-Distillation', votes: 10 },
					{ id: '2412.04301', title: 'SwiftEdit: Lightning Fast Image Editing', votes: 19 },
					{ id: '2412.05001', title: 'Momentum Matters in Diffusion Training', votes: 4 },
					{ id: '2412.05002', title: 'Momentum Everywhere: A Study', votes: 3 },
				]);
				await writeDigest(digests, '2024-12-10', [{ id: '2412.04887', title: 'Momentum-GS: Momentum Gaussian Self-Distillation', votes: 12 }]);
			},
		});
	});
	afterAll(async () => h?.stop());

	const ask = (name: string, options: Array<{ name: string; type: number; value: unknown }>, extra: { locale?: string; permissions?: string } = {}) =>
		answerOf(h.emu.interact({ guildId, channelId, type: 2, ...extra, data: command(name, options) }));
	const errorLines = () => h.logs.filter((l) => l.includes('"level":"error"') || l.includes('"level":50'));

	it('/paper with a typed title answers the paper whose title it begins', async () => {
		const res = await ask('paper', [{ name: 'id', type: STRING, value: 'Momentum-GS' }]);
		const embed = (res['embeds'] as Array<Record<string, string>>)[0];
		expect(embed?.['url']).toBe('https://arxiv.org/abs/2412.04887');
	});

	it('/paper with title words several papers share lists them ephemerally to pick from', async () => {
		const res = await ask('paper', [{ name: 'id', type: STRING, value: 'momentum' }]);
		expect(res['flags']).toBe(64);
		const content = String(res['content']);
		expect(content).toContain('`2412.05001`');
		expect(content).toContain('`2412.05002`');
		expect(content).toContain('`2412.04887`');
		expect(res['embeds'] ?? []).toEqual([]);
	});

	it('/paper lists the dates a paper appeared on in one order, oldest first, in text and footer', async () => {
		const res = await ask('paper', [{ name: 'id', type: STRING, value: '2412.04887' }]);
		expect(res['content']).toContain('2024-12-09, 2024-12-10');
		const embed = (res['embeds'] as Array<{ footer?: { text: string } }>)[0];
		expect(embed?.footer?.text).toContain('2024-12-09, 2024-12-10');
	});

	it('/top names its window and the size of the ranking a capped list was drawn from', async () => {
		const all = await ask('top', [{ name: 'period', type: STRING, value: 'all' }]);
		const footer = (all['embeds'] as Array<{ footer?: { text: string } }>)[0]?.footer?.text ?? '';
		expect(footer).toContain('2024-11-01 – 2024-12-10');
		expect(footer).toContain('top 100 of 124 papers');
		const week = await ask('top', [{ name: 'period', type: STRING, value: 'week' }], { locale: 'ko' });
		const koFooter = (week['embeds'] as Array<{ footer?: { text: string } }>)[0]?.footer?.text ?? '';
		expect(koFooter).toContain('2024-12-04 – 2024-12-10');
		expect(koFooter).toContain('4편');
		expect(koFooter).not.toContain('상위');
	});

	it('out-of-range option values are answered as the member’s mistake, in their language, and log no error', async () => {
		const before = errorLines().length;
		const zero = await ask('top', [{ name: 'limit', type: INTEGER, value: 0 }]);
		expect(zero['flags']).toBe(64);
		expect(zero['content']).toContain('`limit` takes a whole number from 1 to 25');
		const period = await ask('top', [{ name: 'period', type: STRING, value: 'decade' }], { locale: 'ko' });
		expect(period['content']).toContain('`기간`');
		expect(period['content']).toContain('`decade`');
		const votes = await ask('subscribe', [{ name: 'min_votes', type: INTEGER, value: -5 }], { permissions: MANAGE_CHANNELS });
		expect(votes['flags']).toBe(64);
		expect(votes['content']).toContain('`min_votes` takes a whole number from 0 to 10000');
		expect(await h.store.subscriptions.get(guildId, channelId)).toBeNull();
		expect(errorLines().length).toBe(before);
		expect(String(zero['content'])).not.toContain('Something went wrong');
	});

	it('/digest date:latest is the newest digest; a date without one names the nearest', async () => {
		const latest = await ask('digest', [{ name: 'date', type: STRING, value: 'latest' }]);
		expect(latest['content']).toContain('2024-12-10');
		const between = await ask('digest', [{ name: 'date', type: STRING, value: '2024-12-05' }]);
		expect(between['flags']).toBe(64);
		expect(between['content']).toContain('2024-12-02 (before) and 2024-12-09 (after)');
		const after = await ask('digest', [{ name: 'date', type: STRING, value: '2025-01-01' }]);
		expect(after['content']).toContain('The nearest is 2024-12-10, the latest');
		const early = await ask('digest', [{ name: 'date', type: STRING, value: '2020-01-01' }], { locale: 'ko' });
		expect(early['content']).toContain('가장 오래된 2024-11-01');
	});

	it('echoed text with backticks stays one inline code span and cannot format the reply', async () => {
		const res = await ask('search', [{ name: 'query', type: STRING, value: 'zz``` **bold** `x' }]);
		expect(res['flags']).toBe(64);
		const content = String(res['content']);
		// Two backticks fence it; a run of three in the text is broken up so no code block opens.
		expect(content).toBe('No paper matches ``zz`\u200b`\u200b` **bold** `x``.');
		const title = await ask('paper', [{ name: 'id', type: STRING, value: '`qqq`' }]);
		expect(String(title['content'])).toContain('`` `qqq` `` is not an arXiv id');
	});
});
