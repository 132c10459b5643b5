import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { command, startHarness, type Harness } from './helpers/bot.ts';

const STRING = 3;
const INTEGER = 4;

describe('look-up commands end to end (real discord.js, loopback emulator)', () => {
	let h: Harness;
	let guildId = '';
	let channelId = '';

	beforeAll(async () => {
		h = await startHarness({
			setup: async (emu, dir) => {
				const g = emu.addGuild({ name: 'Research', channels: 2 });
				guildId = g.id;
				channelId = g.channels[0] ?? '';
				const digests = `${dir}/digests`;
				await writeDigest(digests, '2024-12-09', [
					{ id: '2412.04887', title: 'Momentum-GS: Gaussian Self-Distillation', votes: 10, new: '가우시안 스플래팅 재구성' },
					{ id: '2412.04301', title: 'SwiftEdit: Lightning Fast Image Editing', votes: 19 },
				]);
				await writeDigest(digests, '2024-12-10', papersFor('2024-12-10', 23));
			},
		});
	});
	afterAll(async () => h?.stop());

	it('logs in and sees the guild with its channels', () => {
		expect(h.bot.client.isReady()).toBe(true);
		expect(h.bot.client.guilds.cache.get(guildId)?.channels.cache.has(channelId)).toBe(true);
	});

	it('/paper shows the embed and the dates the paper appeared on', async () => {
		const it = h.emu.interact({
			guildId,
			channelId,
			type: 2,
			data: command('paper', [{ name: 'id', type: STRING, value: 'https://arxiv.org/abs/2412.04887v2' }]),
		});
		const res = await it.response();
		expect(res.type).toBe(4);
		const embed = (res.data?.['embeds'] as Array<Record<string, unknown>>)[0];
		expect(embed?.['title']).toContain('Momentum-GS');
		expect(embed?.['url']).toBe('https://arxiv.org/abs/2412.04887');
		expect(res.data?.['content']).toContain('2024-12-09');
		expect(res.data?.['allowed_mentions']).toEqual({ parse: [] });
	});

	it('/paper with a malformed id answers ephemerally saying so', async () => {
		const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('paper', [{ name: 'id', type: STRING, value: 'not-an-id' }]) }).response();
		expect(res.data?.['flags']).toBe(64);
		expect(res.data?.['content']).toContain('is not an arXiv id');
	});

	it('/paper with a valid but unknown id links to arXiv, ephemerally, in Korean for a Korean user', async () => {
		const res = await h.emu
			.interact({ guildId, channelId, type: 2, locale: 'ko', data: command('paper', [{ name: 'id', type: STRING, value: '2501.00001' }]) })
			.response();
		expect(res.data?.['flags']).toBe(64);
		expect(res.data?.['content']).toContain('https://arxiv.org/abs/2501.00001');
		expect(res.data?.['content']).toContain('논문');
	});

	it('/paper autocomplete suggests by title words and id prefix', async () => {
		const byWord = await h.emu
			.interact({ guildId, channelId, type: 4, data: command('paper', [{ name: 'id', type: STRING, value: 'swift', focused: true }]) })
			.response();
		expect(byWord.type).toBe(8);
		expect((byWord.data?.['choices'] as Array<{ value: string }>).map((c) => c.value)).toContain('2412.04301');
		const byId = await h.emu
			.interact({ guildId, channelId, type: 4, data: command('paper', [{ name: 'id', type: STRING, value: '2412.048', focused: true }]) })
			.response();
		expect((byId.data?.['choices'] as Array<{ value: string }>)[0]?.value).toBe('2412.04887');
	});

	it('/top ranks by votes and pages with buttons that carry their state', async () => {
		const res = await h.emu
			.interact({
				guildId,
				channelId,
				type: 2,
				data: command('top', [
					{ name: 'period', type: STRING, value: 'week' },
					{ name: 'limit', type: INTEGER, value: 5 },
				]),
			})
			.response();
		const embed = (res.data?.['embeds'] as Array<Record<string, string>>)[0];
		expect(embed?.['description']?.split('\n')[0]).toContain('Paper 23 of 2024-12-10');
		const rows = res.data?.['components'] as Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }>;
		const next = rows[0]?.components[1];
		expect(next?.custom_id).toBe('top:week:5:2024-12-10:2');
		const page2 = await h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: next?.custom_id, component_type: 2 } }).response();
		expect(page2.type).toBe(7);
		const desc = (page2.data?.['embeds'] as Array<Record<string, string>>)[0]?.['description'] ?? '';
		expect(desc).toContain('**6.**');
		expect(desc).not.toContain('**5.**');
	});

	it('/digest pages through a day within message limits, and autocompletes dates', async () => {
		const res = await h.emu
			.interact({ guildId, channelId, type: 2, data: command('digest', [{ name: 'date', type: STRING, value: '2024-12-10' }]) })
			.response();
		const embeds = res.data?.['embeds'] as unknown[];
		expect(embeds.length).toBeGreaterThan(0);
		expect(embeds.length).toBeLessThanOrEqual(10);
		expect(res.data?.['content']).toMatch(/page 1\/\d/);
		const ac = await h.emu
			.interact({ guildId, channelId, type: 4, data: command('digest', [{ name: 'date', type: STRING, value: '2024-12', focused: true }]) })
			.response();
		expect((ac.data?.['choices'] as Array<{ value: string }>).map((c) => c.value)).toEqual(['2024-12-10', '2024-12-09']);
	});

	it('/digest with a bad or unknown date explains, ephemerally', async () => {
		const bad = await h.emu.interact({ guildId, channelId, type: 2, data: command('digest', [{ name: 'date', type: STRING, value: 'yesterday' }]) }).response();
		expect(bad.data?.['flags']).toBe(64);
		expect(bad.data?.['content']).toContain('YYYY-MM-DD');
		const unknown = await h.emu
			.interact({ guildId, channelId, type: 2, data: command('digest', [{ name: 'date', type: STRING, value: '2020-01-01' }]) })
			.response();
		expect(unknown.data?.['content']).toContain('The nearest is 2024-12-09, the earliest');
	});

	it('/search finds Korean summary words and pages results', async () => {
		const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: '스플래팅' }]) }).response();
		const desc = (res.data?.['embeds'] as Array<Record<string, string>>)[0]?.['description'] ?? '';
		expect(desc).toContain('Momentum-GS');
		const many = await h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'paper' }]) }).response();
		const rows = many.data?.['components'] as Array<{ components: Array<{ custom_id: string }> }>;
		expect(rows[0]?.components[1]?.custom_id).toBe('search:paper:2');
		const none = await h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'zzzqqq' }]) }).response();
		expect(none.data?.['flags']).toBe(64);
	});

	it('a forged button id gets an ephemeral "no longer valid"', async () => {
		const res = await h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'top:forever:99:x:1', component_type: 2 } }).response();
		expect(res.data?.['flags']).toBe(64);
		expect(res.data?.['content']).toContain('no longer valid');
	});

	it('/help answers in the user’s language', async () => {
		const ko = await h.emu.interact({ guildId, channelId, type: 2, locale: 'ko', data: command('help') }).response();
		expect(JSON.stringify(ko.data)).toContain('구독');
		const en = await h.emu.interact({ guildId, channelId, type: 2, locale: 'en-US', data: command('help') }).response();
		expect(JSON.stringify(en.data)).toContain('Subscribe a channel');
	});

	it('a reply that meets a 500 and a 429 is retried and still arrives', async () => {
		h.emu.fault({ method: 'POST', path: /\/callback$/, status: 500, times: 1 });
		h.emu.fault({ method: 'POST', path: /\/callback$/, status: 429, retryAfter: 0.2, times: 1 });
		const before = h.emu.requests.filter((r) => r.path.endsWith('/callback') && r.fault).length;
		const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('help') }).response(10_000);
		expect(res.type).toBe(4);
		expect(h.emu.requests.filter((r) => r.path.endsWith('/callback') && r.fault).length - before).toBe(2);
	});

	it('resumes after the gateway drops (4000) and answers an interaction sent while it was away', async () => {
		const resumed = new Promise<void>((r) => h.bot.client.once('shardResume', () => r()));
		h.emu.closeGateway(4000);
		const handle = h.emu.interact({ guildId, channelId, type: 2, data: command('help') });
		await resumed;
		const res = await handle.response(10_000);
		expect(res.type).toBe(4);
		expect(h.emu.sessions()[0]?.history).toContain('resume');
		expect(h.logs.some((l) => l.includes('gateway resumed'))).toBe(true);
	});

	it('an unexpected failure is logged with context and the user sees a generic message', async () => {
		const archive = h.bot.ctx.archive;
		const original = archive.search.bind(archive);
		archive.search = () => {
			throw new Error('index exploded');
		};
		try {
			const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('search', [{ name: 'query', type: STRING, value: 'paper' }]) }).response();
			expect(res.data?.['flags']).toBe(64);
			expect(res.data?.['content']).toContain('Something went wrong');
			expect(res.data?.['content']).not.toContain('exploded');
			const logged = h.logs.find((l) => l.includes('command failed'));
			expect(logged).toContain('index exploded');
			expect(logged).toContain('"command":"search"');
		} finally {
			archive.search = original;
		}
	});

	it('paging buttons need no memory of the message: an id from before a restart still works', async () => {
		// Not rendered by this process: all state is in the custom id.
		const res = await h.emu.interact({ guildId, channelId, type: 3, data: { custom_id: 'digest:2024-12-10:2', component_type: 2 } }).response();
		expect(res.type).toBe(7);
		expect(res.data?.['content']).toMatch(/page 2\/\d/);
	});
});
