import { afterEach, describe, expect, it } from 'vitest';
import { storeKeys } from '../src/store/schema.ts';
import { storeRecords } from './helpers/store-records.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { subscribe } from './helpers/subscriptions.ts';

describe('delivery and the ledger', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('skips a digest whose ledger record is corrupt, with a warning, instead of posting it again', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 2 }] });
		const g = h.guilds[0]!;
		const [corrupt, healthy] = g.channels as [string, string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, corrupt);
		await subscribe(h.store, g.id, healthy);
		// As a torn write would leave the record of a digest that was already posted.
		const key = storeKeys.ledger(corrupt, today);
		await storeRecords(h.store).set(key, '{"value": {"channelId": "');
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 3));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();

		expect(h.emu.messages(corrupt)).toHaveLength(0);
		expect(h.emu.messages(healthy).length).toBeGreaterThan(0);
		expect(await storeRecords(h.store).get(key)).toBe('{"value": {"channelId": "');
		const warning = h.logs
			.map((l) => JSON.parse(l) as Record<string, unknown>)
			.find((l) => l['level'] === 'warn' && l['date'] === today && l['channel'] === corrupt);
		expect(String(warning?.['msg'])).toMatch(/ledger/);
	});
});
