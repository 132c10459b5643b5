import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { command, startHarness, type Harness } from './helpers/bot.ts';

const STRING = 3;

describe('a file that yields no paper is not a digest, end to end (real discord.js, loopback emulator)', () => {
	let h: Harness;
	let guildId = '';
	let channelId = '';

	beforeAll(async () => {
		h = await startHarness({
			setup: async (emu, dir) => {
				const g = emu.addGuild({ name: 'Research', channels: 1 });
				guildId = g.id;
				channelId = g.channels[0] ?? '';
				await writeDigest(`${dir}/digests`, '2024-12-09', papersFor('2024-12-09', 2));
				// Newer, but empty: a heading written before its papers, and a post of the blog layout with none.
				await writeFile(`${dir}/digests/2024-12-10.md`, '## Daily Papers (2024-12-10)\n\nComing soon.\n');
				await writeFile(
					`${dir}/digests/2024-12-11-daily-papers.md`,
					'---\ntitle: x\n---\n\n# Hugging Face Daily Papers - 2024-12-11\n\n총 **0개**의 논문이 수집되었습니다.\n',
				);
			},
		});
	});
	afterAll(async () => h?.stop());

	it('/digest without a date shows the last day with papers', async () => {
		const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('digest') }).response();
		expect(res.data?.['content']).toContain('2024-12-09');
		expect((res.data?.['embeds'] as unknown[]).length).toBe(2);
	});

	it('date autocomplete offers only days with papers', async () => {
		const ac = await h.emu
			.interact({ guildId, channelId, type: 4, data: command('digest', [{ name: 'date', type: STRING, value: '2024-12', focused: true }]) })
			.response();
		expect((ac.data?.['choices'] as Array<{ value: string }>).map((c) => c.value)).toEqual(['2024-12-09']);
	});

	it('/top period:day ranks the last day with papers', async () => {
		const res = await h.emu.interact({ guildId, channelId, type: 2, data: command('top', [{ name: 'period', type: STRING, value: 'day' }]) }).response();
		const desc = (res.data?.['embeds'] as Array<Record<string, string>>)[0]?.['description'] ?? '';
		expect(desc).toContain('Paper 2 of 2024-12-09');
	});
});
