import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { quietSince, watchStaleness } from '../src/source/stale.ts';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const MANAGE_CHANNELS = String(1n << 4n);

describe('a quiet source', () => {
	it('is quiet once STALE_AFTER_DAYS whole days passed after the newest date, never with no digest or 0', () => {
		const at = (iso: string) => new Date(iso);
		// Friday's digest on Monday is a weekend, not a stopped source.
		expect(quietSince('2025-05-09', at('2025-05-12T23:59:00Z'), 3)).toBeNull();
		expect(quietSince('2025-05-09', at('2025-05-13T00:00:00Z'), 3)).toEqual({ since: '2025-05-09', days: 4 });
		expect(quietSince('2025-05-09', at('2026-01-01T00:00:00Z'), 3)?.days).toBe(237);
		expect(quietSince('2025-05-09', at('2025-05-11T00:00:00Z'), 1)).toEqual({ since: '2025-05-09', days: 2 });
		expect(quietSince(undefined, at('2025-05-13T00:00:00Z'), 3)).toBeNull();
		expect(quietSince('2025-05-09', at('2026-05-13T00:00:00Z'), 0)).toBeNull();
		expect(quietSince('2025-05-20', at('2025-05-13T00:00:00Z'), 3)).toBeNull(); // dated ahead of the clock
	});

	it('warns once a day however often it looks, and once more when a digest arrives', async () => {
		let clock = new Date('2025-05-13T08:00:00Z');
		let latest = '2025-05-09';
		let looks = 0;
		const lines: Array<{ level: string; msg: string }> = [];
		const watch = watchStaleness({
			latestDate: () => latest,
			now: () => (looks++, clock),
			afterDays: 3,
			logger: createLogger('info', (l) => lines.push(JSON.parse(l) as { level: string; msg: string })),
			everyMs: 5,
		});
		try {
			const warnings = () => lines.filter((l) => l.level === 'warn').map((l) => l.msg);
			await until(() => looks >= 10, 5000, 'ten looks on one day');
			expect(warnings()).toEqual(['no new digest since 2025-05-09 (4 days): the digest source may have stopped']);
			clock = new Date('2025-05-14T00:30:00Z');
			await until(() => warnings().length === 2, 5000, "the next day's warning");
			const seen = looks;
			await until(() => looks >= seen + 10, 5000, 'ten more looks');
			expect(warnings()).toEqual([
				'no new digest since 2025-05-09 (4 days): the digest source may have stopped',
				'no new digest since 2025-05-09 (5 days): the digest source may have stopped',
			]);
			latest = '2025-05-14';
			await until(() => lines.some((l) => l.msg.startsWith('a new digest arrived')), 5000, 'the all-clear');
			expect(lines.filter((l) => l.msg.startsWith('a new digest arrived'))).toHaveLength(1);
		} finally {
			watch.stop();
		}
	});
});

describe('/subscriptions when the source has gone quiet, end to end', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('says since when in both languages, the log warns, and both stop once a digest arrives', async () => {
		let clock = new Date('2025-05-13T09:00:00Z');
		h = await startHarness({
			guilds: [{ channels: 1 }],
			bot: { now: () => clock, settleMs: 0 },
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, '2025-05-09', papersFor('2025-05-09', 2))),
		});
		const [g] = h.guilds;
		const ch = g!.channels[0]!;
		const run = (locale?: string) =>
			answerOf(
				h!.emu.interact({
					guildId: g!.id,
					channelId: ch,
					type: 2,
					permissions: MANAGE_CHANNELS,
					...(locale ? { locale } : {}),
					data: { name: 'subscriptions', type: 1, options: [] },
				}),
			).then((res) => JSON.stringify(res));

		// With no subscription yet, the admin is told as well.
		expect(await run()).toContain('No new digest since 2025-05-09 (4 days)');
		await subscribe(h.store, g!.id, ch, { lastDeliveredDate: '2025-05-09' });
		const en = await run();
		expect(en).toContain('No new digest since 2025-05-09 (4 days): the digest source may have stopped');
		expect(en).toContain(`<#${ch}>`);
		const ko = await run('ko');
		expect(ko).toContain('2025-05-09 이후 새 다이제스트가 없습니다(4일째)');
		expect(ko).not.toContain('No new digest');
		const warned = () => h!.logs.filter((l) => (JSON.parse(l) as { msg?: string }).msg?.startsWith('no new digest since 2025-05-09')).length;
		expect(warned()).toBe(1);

		// Default STALE_AFTER_DAYS is 3: three days after the 05-09 digest is not yet quiet.
		clock = new Date('2025-05-12T09:00:00Z');
		expect(await run()).not.toContain('No new digest');

		clock = new Date('2025-05-16T09:00:00Z');
		await writeDigest(`${h.dir}/digests`, '2025-05-16', papersFor('2025-05-16', 2));
		await h.bot.refresh();
		expect(await run()).not.toContain('No new digest');
		expect(await run('ko')).not.toContain('이후 새 다이제스트가 없습니다');
	});

	it('STALE_AFTER_DAYS=0 never says so', async () => {
		h = await startHarness({
			guilds: [{ channels: 1 }],
			env: { STALE_AFTER_DAYS: '0' },
			bot: { now: () => new Date('2026-05-13T09:00:00Z'), settleMs: 0 },
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, '2025-05-09', papersFor('2025-05-09', 2))),
		});
		const [g] = h.guilds;
		const res = JSON.stringify(
			await answerOf(
				h.emu.interact({
					guildId: g!.id,
					channelId: g!.channels[0]!,
					type: 2,
					permissions: MANAGE_CHANNELS,
					data: { name: 'subscriptions', type: 1, options: [] },
				}),
			),
		);
		expect(res).toContain('No channel in this server is subscribed');
		expect(res).not.toContain('No new digest');
		expect(h.logs.some((l) => (JSON.parse(l) as { msg?: string }).msg?.startsWith('no new digest since'))).toBe(false);
	});
});
