import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';

const STRING = 3;
const INTEGER = 4;

type Rows = Array<{ components: Array<{ custom_id: string; label?: string }> }>;

describe('a public paged answer belongs to the member who asked', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness({
			guilds: [{ channels: 1 }],
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, '2024-12-10', papersFor('2024-12-10', 23))),
		});
	});
	afterAll(async () => h?.stop());

	it('only the invoker turns its pages, in its own language; anyone else gets a copy in theirs', async () => {
		const g = h.guilds[0]!;
		const asker = '300000000000000001';
		const stranger = '300000000000000002';
		const top = h.emu.interact({
			guildId: g.id,
			channelId: g.channels[0]!,
			userId: asker,
			type: 2,
			locale: 'en-US',
			data: command('top', [
				{ name: 'period', type: STRING, value: 'all' },
				{ name: 'limit', type: INTEGER, value: 20 },
			]),
		});
		await top.response();
		const message = top.original()!;
		const next = (message['components'] as Rows)[0]!.components[1]!;
		expect(next.label).toBe('Next');

		// A stranger, in Korean: their own ephemeral copy, in Korean; the public message is untouched.
		const theirs = await h.emu
			.interact({
				guildId: g.id,
				channelId: g.channels[0]!,
				userId: stranger,
				locale: 'ko',
				type: 3,
				message,
				data: { custom_id: next.custom_id, component_type: 2 },
			})
			.response();
		expect(theirs.type).toBe(4);
		expect(theirs.data?.['flags']).toBe(64);
		expect((theirs.data?.['components'] as Rows)[0]!.components[1]!.label).toBe('다음');
		expect(JSON.stringify(theirs.data)).toContain('**21.**');

		// The asker, whose client is now in Korean: the public message turns, and stays in English.
		const own = await h.emu
			.interact({
				guildId: g.id,
				channelId: g.channels[0]!,
				userId: asker,
				locale: 'ko',
				type: 3,
				message,
				data: { custom_id: next.custom_id, component_type: 2 },
			})
			.response();
		expect(own.type).toBe(7);
		expect((own.data?.['components'] as Rows)[0]!.components[1]!.label).toBe('Next');
		expect(JSON.stringify(own.data)).toContain('Top papers');
	});
});
