import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { storeRecords } from './helpers/store-records.ts';

const DATE = '2024-12-10';
const PAPERS = papersFor(DATE, 3);
const ME = '320000000000000001';
const OTHER = '320000000000000002';

type Row = { components: Array<{ custom_id: string; label?: string }> };

describe('/forget-me deletes what Paperboy keeps about a member, after they confirm', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness({ guilds: [{ channels: 1 }], setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, DATE, PAPERS)) });
	});
	afterAll(async () => h?.stop());

	const g = () => h.guilds[0]!;
	const run = (userId: string, name: string, locale = 'en-US') =>
		h.emu.interact({ guildId: g().id, channelId: g().channels[0]!, userId, type: 2, locale, data: command(name) });

	async function keep(userId: string): Promise<void> {
		await h.store.members.save(userId, [PAPERS[0]!.id, PAPERS[1]!.id]);
		await h.store.members.follow(userId, 'diffusion', null);
		await h.store.members.setDm({
			userId,
			date: DATE,
			state: 'sent',
			nonce: 'f1',
			paperIds: [PAPERS[0]!.id],
			queries: ['diffusion'],
			messageId: '5',
			at: new Date().toISOString(),
		});
		await h.store.members.setDmChannel(userId, '440000000000000001');
		await h.store.members.setDmPaused(userId, { reason: 'Cannot send messages to this user', code: 50007, at: new Date().toISOString() });
	}

	it('asks first, refuses anyone else’s press, and deletes every record of the member and no one else', async () => {
		await keep(ME);
		await keep(OTHER);
		const ask = run(ME, 'forget-me');
		const question = await answerOf(ask);
		expect(question['flags']).toBe(64);
		expect(question['content']).toContain('2 saved papers, 1 follows');
		// Nothing is deleted by asking.
		expect(await h.store.members.saved(ME)).toHaveLength(2);
		const button = (question['components'] as Row[])[0]!.components[0]!;
		expect(button.custom_id).toBe(`forget:${ME}`);
		const message = { ...ask.original()!, flags: 64 };
		const press = (userId: string, locale = 'en-US') =>
			h.emu.interact({
				guildId: g().id,
				channelId: g().channels[0]!,
				userId,
				type: 3,
				locale,
				message,
				data: { custom_id: button.custom_id, component_type: 2 },
			});
		const theirs = await answerOf(press(OTHER, 'ko'));
		expect(theirs['flags']).toBe(64);
		expect(theirs['content']).toContain('다른 멤버의 것입니다');
		expect(await h.store.members.saved(ME)).toHaveLength(2);

		const done = await press(ME).response();
		expect(done.type).toBe(7);
		expect(done.data?.['content']).toContain('everything Paperboy kept about you is deleted');
		const raw = storeRecords(h.store);
		for (const prefix of ['saved:', 'follows:', 'dm:', 'dmpause:', 'dmchannel:']) expect(await raw.keys(`${prefix}${ME}`)).toEqual([]);
		expect(await h.store.members.saved(OTHER)).toHaveLength(2);
		expect(await h.store.members.follows(OTHER)).toHaveLength(1);
		expect(await h.store.members.dms(OTHER)).toHaveLength(1);
		expect(await h.store.members.dmPaused(OTHER)).not.toBeNull();
	});

	it('/help says what is kept about a member and how to delete it, in both languages', async () => {
		const en = JSON.stringify(await answerOf(run(ME, 'help')));
		expect(en).toContain('What is kept:');
		expect(en).toContain('/forget-me');
		const ko = JSON.stringify(await answerOf(run(ME, 'help', 'ko')));
		expect(ko).toContain('보관하는 것:');
	});
});
