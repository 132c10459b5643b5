import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../src/i18n.ts';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { subscribe } from './helpers/subscriptions.ts';

const MANAGE_CHANNELS = String(1n << 4n);
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The SQLite file deleted under the running bot: before, /subscribe kept answering "subscribed"
 * into a file no one would open again, and every subscription was gone at the next start.
 */
describe('a running bot whose SQLite file was deleted', () => {
	let h: Harness;
	let guild = { id: '', channels: [] as string[] };

	beforeAll(async () => {
		h = await startHarness({ bot: { settleMs: 0, scheduler: { retryBaseMs: 60_000 } }, guilds: [{ channels: 3 }] });
		guild = h.guilds[0]!;
		await subscribe(h.store, guild.id, guild.channels[2]!);
		const file = join(h.dir, 'state.sqlite');
		for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
	});
	afterAll(async () => h?.stop());

	const subscribeIn = (channelId: string, locale: string) =>
		answerOf(h.emu.interact({ guildId: guild.id, channelId, type: 2, permissions: MANAGE_CHANNELS, locale, data: command('subscribe') }));

	it.each(['en-US', 'ko'] as const)('answers /subscribe with "storage unavailable" in %s, ephemerally, and saves nothing', async (locale) => {
		const res = await subscribeIn(guild.channels[locale === 'ko' ? 1 : 0]!, locale);
		expect(res['content']).toBe(t(locale, 'error.storeUnavailable'));
		expect(res['flags']).toBe(64);
		expect(h.bot.ctx.scheduler.nextRun({ guildId: guild.id, channelId: guild.channels[0]! })).toBeNull();
		expect(h.logs.filter((l) => l.includes('the store lost its data'))).toHaveLength(1);
		expect(h.logs.some((l) => l.includes('command refused: the store is unavailable') && l.includes('was deleted'))).toBe(true);
	});

	it('posts nothing for a digest that lands while the store is gone', async () => {
		const date = today();
		await writeDigest(`${h.dir}/digests`, date, papersFor(date, 3));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(h.emu.messages(guild.channels[2]!)).toEqual([]);
		expect(h.logs.filter((l) => l.includes('the store lost its data'))).toHaveLength(1);
	});
});
