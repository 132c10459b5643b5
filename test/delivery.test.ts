import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { storeRecords } from './helpers/store-records.ts';
import { subscribe } from './helpers/subscriptions.ts';

describe('daily delivery end to end', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('delivers to channels of two guilds at each one’s time and zone, once', async () => {
		let clock = new Date('2026-03-10T00:30:00Z'); // 09:30 in Seoul, 20:30 the day before in New York
		let g1 = { id: '', channels: [] as string[] };
		let g2 = { id: '', channels: [] as string[] };
		h = await startHarness({
			bot: { now: () => clock, settleMs: 0 },
			setup: (emu) => {
				g1 = emu.addGuild({ channels: 2 });
				g2 = emu.addGuild({ channels: 1 });
			},
		});
		const [a, b] = g1.channels as [string, string];
		const [c] = g2.channels as [string];
		await subscribe(h.store, g1.id, a, { time: '09:00', timezone: 'Asia/Seoul' });
		await subscribe(h.store, g1.id, b, { time: '10:00', timezone: 'Asia/Seoul' });
		await subscribe(h.store, g2.id, c, { time: '21:00', timezone: 'America/New_York' });
		await writeDigest(`${h.dir}/digests`, '2026-03-10', papersFor('2026-03-10', 12));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, a)).toHaveLength(12);
		expect(receivedIds(h.emu, b, c)).toHaveLength(0);

		clock = new Date('2026-03-10T01:05:00Z'); // 10:05 Seoul, 21:05 New York (daylight time)
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		for (const ch of [a, b, c]) expect(receivedIds(h.emu, ch)).toEqual(papersFor('2026-03-10', 12).map((p) => p.id));
		// Each message within Discord's limits, and never pinging anyone.
		for (const m of [a, b, c].flatMap((ch) => h!.emu.messages(ch))) {
			expect(m.body['allowed_mentions']).toEqual({ parse: [] });
			expect(String(m.body['nonce']).length).toBeLessThanOrEqual(25);
			expect(m.body['enforce_nonce']).toBe(true);
		}
		// A second wake-up sends nothing more.
		await h.bot.ctx.scheduler.onDigestsChanged();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, a, b, c)).toHaveLength(36);
		expect((await h.store.subscriptions.get(g2.id, c))?.lastDeliveredDate).toBe('2026-03-10');
	});

	it('the wake-up timer wakes a subscription at its time, with nothing else to trigger it', async () => {
		// The bot's clock runs in real time, set to 11:59:57 once it is up, so 12:00 comes by itself through the production rule.
		let offset = new Date('2026-03-10T11:00:00Z').getTime() - Date.now();
		const clock = () => new Date(Date.now() + offset);
		let g = { id: '', channels: [] as string[] };
		h = await startHarness({
			bot: { now: clock, settleMs: 0 },
			setup: async (emu, dir) => {
				g = emu.addGuild({ channels: 1 });
				await writeDigest(`${dir}/digests`, '2026-03-10', papersFor('2026-03-10', 3));
			},
		});
		const [ch] = g.channels as [string];
		offset = new Date('2026-03-10T11:59:57Z').getTime() - Date.now();
		const sub = await subscribe(h.store, g.id, ch, { time: '12:00' });
		expect((await h.bot.ctx.scheduler.upsert(sub))?.kind).toBe('idle'); // before 12:00: not yet
		expect(h.bot.ctx.scheduler.nextRun({ guildId: g.id, channelId: ch })).toEqual(new Date('2026-03-10T12:00:00Z'));
		expect(h.emu.messages(ch)).toHaveLength(0);
		await until(() => receivedIds(h!.emu, ch).length === 3);
		expect(clock().getTime()).toBeGreaterThanOrEqual(new Date('2026-03-10T12:00:00Z').getTime());
		expect(h.bot.ctx.scheduler.nextRun({ guildId: g.id, channelId: ch })).toEqual(new Date('2026-03-11T12:00:00Z'));
	});

	it('picks up a file dropped into the digest folder while running', async () => {
		let g = { id: '', channels: [] as string[] };
		h = await startHarness({
			env: { SCAN_INTERVAL_SECONDS: '1' },
			bot: { settleMs: 300 },
			setup: (emu) => {
				g = emu.addGuild({ channels: 1 });
			},
		});
		const [ch] = g.channels as [string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, ch);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 3));
		await until(() => receivedIds(h!.emu, ch).length === 3);
		await h.bot.ctx.scheduler.idle();
		expect(h.logs.some((l) => l.includes('digest folder changed'))).toBe(true);
		expect(h.logs.some((l) => l.includes('digest delivered'))).toBe(true);
	});

	it('applies min_votes and top, and mentions the role only in the first message', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 2 }] });
		const g = h.guilds[0]!;
		const [filtered, mention] = g.channels as [string, string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, filtered, { minVotes: 5, top: 3 });
		await subscribe(h.store, g.id, mention, { mentionRoleId: '123456789012345678' });
		const papers = papersFor(today, 25, (i) => (i * 7) % 11); // votes 0..10, shuffled
		await writeDigest(`${h.dir}/digests`, today, papers);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();

		const expected = papers
			.filter((p) => (p.votes ?? 0) >= 5)
			.map((p, i) => ({ p, i }))
			.sort((x, y) => (y.p.votes ?? 0) - (x.p.votes ?? 0) || x.i - y.i)
			.slice(0, 3)
			.sort((x, y) => x.i - y.i)
			.map(({ p }) => p.id);
		expect(receivedIds(h.emu, filtered)).toEqual(expected);

		const msgs = h.emu.messages(mention);
		expect(msgs.length).toBeGreaterThan(1);
		expect(msgs[0]?.body['content']).toContain('<@&123456789012345678>');
		expect(msgs[0]?.body['allowed_mentions']).toEqual({ parse: [], roles: ['123456789012345678'] });
		for (const m of msgs.slice(1)) {
			expect(String(m.body['content'] ?? '')).not.toContain('<@&');
			expect(m.body['allowed_mentions']).toEqual({ parse: [] });
		}
	});

	it('thread mode posts a header in the channel and the papers in a thread started from it', async () => {
		let g = { id: '', channels: [] as string[] };
		let korean = { id: '', channels: [] as string[] };
		h = await startHarness({
			bot: { settleMs: 0 },
			setup: (emu) => {
				g = emu.addGuild({ channels: 1 });
				korean = emu.addGuild({ channels: 1, locale: 'ko' });
			},
		});
		const [ch] = g.channels as [string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, ch, { thread: true, mentionRoleId: '223456789012345678' });
		await subscribe(h.store, korean.id, korean.channels[0]!, { thread: true });
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 14));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		const inChannel = h.emu.messages(ch);
		expect(inChannel).toHaveLength(1);
		expect(inChannel[0]?.body['content']).toContain('<@&223456789012345678>');
		const threadId = await h.store.ledger.getThread(ch, today);
		expect(threadId).toBe(inChannel[0]?.id);
		expect(receivedIds(h.emu, threadId!)).toEqual(papersFor(today, 14).map((p) => p.id));
		// The thread is named in the server's language.
		const koThread = (await h.store.ledger.getThread(korean.channels[0]!, today))!;
		await h.emu.waitFor(() => h!.bot.client.channels.cache.has(koThread) && h!.bot.client.channels.cache.has(threadId!));
		expect((h.bot.client.channels.cache.get(threadId!) as { name?: string }).name).toBe(`Daily Papers ${today}`);
		expect((h.bot.client.channels.cache.get(koThread) as { name?: string }).name).toBe(`데일리 페이퍼 ${today}`);
	});

	it('rides out 429 and 500 storms and still delivers every paper exactly once', async () => {
		h = await startHarness({
			bot: { settleMs: 0, scheduler: { retryBaseMs: 100, retryMaxMs: 400 } },
			guilds: [{ channels: 3 }],
		});
		const g = h.guilds[0]!;
		const today = new Date().toISOString().slice(0, 10);
		for (const ch of g.channels) await subscribe(h.store, g.id, ch);
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 30));
		h.emu.fault({ method: 'POST', path: /\/channels\/\d+\/messages$/, status: 429, retryAfter: 0.1, times: 6 });
		h.emu.fault({ method: 'POST', path: /\/channels\/\d+\/messages$/, status: 500, times: 12 });
		await h.bot.refresh();
		const want = papersFor(today, 30).map((p) => p.id);
		await until(() => g.channels.every((ch) => receivedIds(h!.emu, ch).length >= 30), 20_000);
		await h.bot.ctx.scheduler.idle();
		for (const ch of g.channels) expect(receivedIds(h.emu, ch)).toEqual(want);
		expect(h.emu.requests.filter((r) => r.fault).length).toBe(18);
	});

	it('one channel held up by a long 429 does not delay the others', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 3 }] });
		const g = h.guilds[0]!;
		const [slow, ...others] = g.channels as [string, string, string];
		const today = new Date().toISOString().slice(0, 10);
		for (const ch of g.channels) await subscribe(h.store, g.id, ch);
		h.emu.fault({ method: 'POST', path: `/channels/${slow}/messages`, status: 429, retryAfter: 4, times: 1 });
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 12));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		for (const ch of g.channels) expect(receivedIds(h.emu, ch)).toHaveLength(12);
		const lastOther = Math.max(...others.flatMap((ch) => h!.emu.messages(ch).map((m) => m.time)));
		const firstSlow = Math.min(...h.emu.messages(slow).map((m) => m.time));
		expect(lastOther).toBeLessThan(firstSlow);
	});

	it('retries after a dropped connection and still delivers every paper once', async () => {
		h = await startHarness({
			bot: { settleMs: 0, scheduler: { retryBaseMs: 100, retryMaxMs: 400 } },
			guilds: [{ channels: 1 }],
		});
		const g = h.guilds[0]!;
		const [ch] = g.channels as [string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, ch);
		h.emu.fault({ method: 'POST', path: `/channels/${ch}/messages`, drop: true, times: 2 });
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 9));
		await h.bot.refresh();
		await until(() => receivedIds(h!.emu, ch).length >= 9);
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, ch)).toEqual(papersFor(today, 9).map((p) => p.id));
		expect(h.logs.some((l) => l.includes('delivery interrupted; will retry'))).toBe(true);
	});

	it('pauses on 403 with the reason, tells the guild, and /resume delivers what was missed', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 3, systemChannel: true, locale: 'ko' }] });
		const g = h.guilds[0]!;
		const [system, denied, fine] = g.channels as [string, string, string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, denied);
		await subscribe(h.store, g.id, fine);
		h.emu.denyPermission(denied, 'SendMessages');
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 4));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, fine)).toHaveLength(4);
		const paused = await h.store.subscriptions.get(g.id, denied);
		expect(paused?.paused?.code).toBe(50013);
		expect(paused?.paused?.reason).toMatch(/Missing Permissions: the bot needs Send Messages/);
		const attempts = h.emu.requests.filter((r) => r.path.includes(`/channels/${denied}/messages`)).length;
		expect(attempts).toBe(0); // the gateway's permissions said so: not one request Discord would refuse
		// The guild hears about it in its system channel, in its language, without a ping.
		await until(() => h!.emu.messages(system).length === 1);
		const notice = h.emu.messages(system)[0]?.body;
		expect(notice?.['content']).toContain(`<#${denied}>`);
		expect(notice?.['content']).toContain('/resume');
		expect(notice?.['content']).toContain('일시 정지');
		expect(notice?.['allowed_mentions']).toEqual({ parse: [] });

		const admin = String(1n << 4n); // Manage Channels
		const stillDenied = await answerOf(
			h.emu.interact({ guildId: g.id, channelId: denied, type: 2, permissions: admin, data: { name: 'resume', type: 1, options: [] } }),
		);
		expect(stillDenied['content']).toContain('Send Messages');
		expect(stillDenied['flags']).toBe(64);

		h.emu.allowPermission(denied, 'SendMessages');
		await until(() => {
			const channel = h!.bot.client.channels.cache.get(denied);
			return Boolean(channel && !channel.isDMBased() && channel.permissionsFor(h!.bot.client.user!)?.has('SendMessages'));
		});
		const ok = h.emu.interact({ guildId: g.id, channelId: denied, type: 2, permissions: admin, data: { name: 'resume', type: 1, options: [] } });
		await ok.response();
		await until(() => receivedIds(h!.emu, denied).length === 4);
		expect((await h.store.subscriptions.get(g.id, denied))?.paused).toBeNull();
	});

	it('pauses at once on 404 Unknown Channel and 403 Missing Access from Discord, and removes subscriptions of a deleted channel or a guild the bot left', async () => {
		let g = { id: '', channels: [] as string[] };
		let g2 = { id: '', channels: [] as string[] };
		h = await startHarness({
			bot: { settleMs: 0 },
			setup: (emu) => {
				g = emu.addGuild({ channels: 3 });
				g2 = emu.addGuild({ channels: 1 });
			},
		});
		const [gone, deleted, hidden] = g.channels as [string, string, string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, gone);
		await subscribe(h.store, g.id, deleted);
		await subscribe(h.store, g.id, hidden);
		await subscribe(h.store, g2.id, g2.channels[0]!);
		// Discord's answer disagrees with the gateway's cache: the REST answer decides.
		h.emu.fault({ method: 'POST', path: `/channels/${gone}/messages`, status: 404, code: 10003, times: 5 });
		h.emu.fault({ method: 'POST', path: `/channels/${hidden}/messages`, status: 403, code: 50001, times: 5 });
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 2));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect((await h.store.subscriptions.get(g.id, gone))?.paused?.code).toBe(10003);
		expect((await h.store.subscriptions.get(g.id, hidden))?.paused?.code).toBe(50001);
		for (const ch of [gone, hidden]) expect(h.emu.requests.filter((r) => r.path === `/channels/${ch}/messages`)).toHaveLength(1);

		h.emu.deleteChannel(deleted);
		h.emu.removeGuild(g2.id);
		await until(async () => (await h!.store.subscriptions.get(g.id, deleted)) === null && (await h!.store.subscriptions.list(g2.id)).length === 0);
	});

	it('after an outage delivers missed digests oldest first within CATCH_UP_DAYS and logs the older ones as skipped', async () => {
		const clock = new Date('2026-05-20T12:00:00Z');
		let g = { id: '', channels: [] as string[] };
		h = await startHarness({
			env: { CATCH_UP_DAYS: '3' },
			bot: { now: () => clock, settleMs: 0 },
			setup: async (emu, dir) => {
				g = emu.addGuild({ channels: 1 });
				for (const date of ['2026-05-10', '2026-05-16', '2026-05-17', '2026-05-19']) await writeDigest(`${dir}/digests`, date, papersFor(date, 2));
			},
		});
		const [ch] = g.channels as [string];
		await subscribe(h.store, g.id, ch, { startAfterDate: '2026-05-01' });
		await h.bot.ctx.scheduler.start(); // what a restart after the outage does
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, ch)).toEqual([...papersFor('2026-05-17', 2), ...papersFor('2026-05-19', 2)].map((p) => p.id));
		const skipped = h.logs.find((l) => l.includes('skipped digests older than the catch-up window'));
		expect(skipped).toContain('2026-05-10');
		expect(skipped).toContain('2026-05-16');
	});

	it('a new subscription starts with the next digest, not the archive', async () => {
		let g = { id: '', channels: [] as string[] };
		const today = new Date().toISOString().slice(0, 10);
		h = await startHarness({
			bot: { settleMs: 0 },
			setup: async (emu, dir) => {
				g = emu.addGuild({ channels: 1 });
				await writeDigest(`${dir}/digests`, today, papersFor(today, 2));
			},
		});
		const [ch] = g.channels as [string];
		const admin = String(1n << 4n);
		await answerOf(
			h.emu.interact({
				guildId: g.id,
				channelId: ch,
				type: 2,
				permissions: admin,
				data: { name: 'subscribe', type: 1, options: [{ name: 'time', type: 3, value: '00:00' }] },
			}),
		);
		await h.bot.ctx.scheduler.idle();
		expect((await h.store.subscriptions.get(g.id, ch))?.startAfterDate).toBe(today);
		expect(h.emu.messages(ch)).toHaveLength(0);
	});

	it('skips a corrupt subscription record with a warning and serves the others', async () => {
		h = await startHarness({ bot: { settleMs: 0 }, guilds: [{ channels: 2 }] });
		const g = h.guilds[0]!;
		const [bad, good] = g.channels as [string, string];
		const today = new Date().toISOString().slice(0, 10);
		await subscribe(h.store, g.id, bad);
		await subscribe(h.store, g.id, good);
		await storeRecords(h.store).set(`sub:${g.id}:${bad}`, '{"guildId": "not json');
		await writeDigest(`${h.dir}/digests`, today, papersFor(today, 2));
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		expect(receivedIds(h.emu, good)).toHaveLength(2);
		expect(receivedIds(h.emu, bad)).toHaveLength(0);
		expect(h.logs.some((l) => l.includes('"level":"warn"') && l.includes(bad))).toBe(true);
	});
});
