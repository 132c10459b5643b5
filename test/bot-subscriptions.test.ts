import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';
import { subscribe } from './helpers/subscriptions.ts';

const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const CHANNEL = 7;
const ROLE = 8;
const MANAGE_CHANNELS = String(1n << 4n);

describe('subscription commands end to end', () => {
	let h: Harness;
	let guild = { id: '', channels: [] as string[], botRoleId: '' };
	let other = { id: '', channels: [] as string[] };
	let paperRole = '';

	beforeAll(async () => {
		h = await startHarness({
			env: { DEFAULT_TIMEZONE: 'Asia/Seoul' },
			setup: (emu) => {
				guild = emu.addGuild({ channels: 4 });
				other = emu.addGuild({ channels: 1 });
			},
		});
	});
	afterAll(async () => h?.stop());

	// Every test starts from a server without subscriptions, whatever ran before it.
	beforeEach(async () => {
		for (const g of [guild, other]) {
			for (const sub of await h.store.subscriptions.list(g.id)) {
				h.bot.ctx.scheduler.remove(g.id, sub.channelId);
				await h.store.subscriptions.delete(g.id, sub.channelId);
			}
		}
	});

	/** A mentionable role of the server, made once and seen by the bot before it is used. */
	const mentionableRole = async () => {
		if (!paperRole) {
			paperRole = h.emu.addRole(guild.id, { name: 'papers', mentionable: true });
			await h.emu.waitFor(() => h.bot.client.guilds.cache.get(guild.id)?.roles.cache.has(paperRole));
		}
		return paperRole;
	};

	/** The first channel subscribed with every option set, as an admin would have left it. */
	const subscribedWithOptions = async () => {
		const role = await mentionableRole();
		const sub = await subscribe(h.store, guild.id, guild.channels[0]!, { time: '07:30', timezone: 'Europe/Berlin', minVotes: 5, top: 10, mentionRoleId: role });
		await h.bot.ctx.scheduler.upsert(sub);
		return role;
	};

	/** Waits until the bot's own cache has seen a permission change (CHANNEL_UPDATE). */
	const botLacks = (channelId: string, perm: 'EmbedLinks' | 'CreatePublicThreads') =>
		h.emu.waitFor(() => {
			const channel = h.bot.client.channels.cache.get(channelId);
			return channel && !channel.isDMBased() && !channel.permissionsFor(h.bot.client.user!)?.has(perm);
		});

	const run = (
		name: string,
		options: Array<{ name: string; type: number; value: unknown }> = [],
		extra: { permissions?: string; channelId?: string; locale?: string; guildId?: string } = {},
	) =>
		answerOf(
			h.emu.interact({
				guildId: extra.guildId ?? guild.id,
				channelId: extra.channelId ?? guild.channels[0]!,
				type: 2,
				permissions: extra.permissions ?? MANAGE_CHANNELS,
				...(extra.locale ? { locale: extra.locale } : {}),
				data: { name, type: 1, options },
			}),
		);

	it('registers admin commands hidden from members without Manage Channels', async () => {
		const { deployCommands } = await import('../src/deploy.ts');
		await deployCommands(h.config, guild.id, h.bot.ctx.logger);
		const registered = h.emu.commands(guild.id);
		const subscribe = registered.find((c) => c['name'] === 'subscribe');
		expect(subscribe?.['default_member_permissions']).toBe(MANAGE_CHANNELS);
		const paper = registered.find((c) => c['name'] === 'paper');
		expect(paper?.['name_localizations']).toEqual({ ko: '논문', 'en-US': 'paper' });
		expect(paper?.['description_localizations']).toHaveProperty('ko');
		expect(paper?.['description_localizations']).toHaveProperty('en-US');
		// Every command, option and choice carries both languages.
		const missing: string[] = [];
		const walk = (item: Record<string, unknown>, path: string) => {
			const names = item['name_localizations'] as Record<string, string> | undefined;
			if (!names?.['ko'] || !names['en-US']) missing.push(`${path}${String(item['name'])}`);
			for (const child of [...((item['options'] as Array<Record<string, unknown>>) ?? []), ...((item['choices'] as Array<Record<string, unknown>>) ?? [])])
				walk(child, `${path}${String(item['name'])}.`);
		};
		for (const c of registered) walk(c, '/');
		expect(missing).toEqual([]);
	});

	it('refuses a member without Manage Channels on the server side too', async () => {
		const res = await run('subscribe', [], { permissions: '0' });
		expect(res['flags']).toBe(64);
		expect(res['content']).toContain('Manage Channels');
		expect(await h.store.subscriptions.list(guild.id)).toHaveLength(0);
	});

	it('rejects an invalid time and an unknown time zone, ephemerally', async () => {
		const badTime = await run('subscribe', [{ name: 'time', type: STRING, value: '25:00' }]);
		expect(badTime['flags']).toBe(64);
		expect(badTime['content']).toContain('HH:MM');
		const badZone = await run('subscribe', [{ name: 'timezone', type: STRING, value: 'Mars/Olympus' }]);
		expect(badZone['content']).toContain('Mars/Olympus');
		expect(await h.store.subscriptions.list(guild.id)).toHaveLength(0);
	});

	it('says exactly which permission is missing before saving', async () => {
		const ch = guild.channels[1]!;
		h.emu.denyPermission(ch, 'EmbedLinks');
		await botLacks(ch, 'EmbedLinks');
		const res = await run('subscribe', [{ name: 'channel', type: CHANNEL, value: ch }]);
		expect(res['content']).toContain('missing Embed Links. Grant it to Paperboy');
		expect(res['content']).not.toContain('Send Messages');
		const ko = await run('subscribe', [{ name: 'channel', type: CHANNEL, value: ch }], { locale: 'ko' });
		expect(ko['content']).toContain('빠진 권한: 링크 첨부');
		const threads = guild.channels[2]!;
		h.emu.denyPermission(threads, 'CreatePublicThreads');
		await botLacks(threads, 'CreatePublicThreads');
		const res2 = await run('subscribe', [
			{ name: 'channel', type: CHANNEL, value: threads },
			{ name: 'thread', type: BOOLEAN, value: true },
		]);
		expect(res2['content']).toContain('Create Public Threads');
		expect(await h.store.subscriptions.list(guild.id)).toHaveLength(0);
	});

	it('subscribes with defaults, then updates the settings in place', async () => {
		const ch = guild.channels[0]!;
		const res = await run('subscribe', [], { locale: 'ko' });
		expect(res['flags']).toBe(64);
		expect(res['content']).toContain('구독 완료');
		const saved = await h.store.subscriptions.get(guild.id, ch);
		expect(saved).toMatchObject({ time: '09:00', timezone: 'Asia/Seoul', thread: false, paused: null });
		const roleId = await mentionableRole();
		const upd = await run('subscribe', [
			{ name: 'time', type: STRING, value: '7:30' },
			{ name: 'timezone', type: STRING, value: 'Europe/Berlin' },
			{ name: 'min_votes', type: INTEGER, value: 5 },
			{ name: 'top', type: INTEGER, value: 10 },
			{ name: 'mention', type: ROLE, value: roleId },
		]);
		expect(upd['content']).toContain('Updated');
		const updated = await h.store.subscriptions.get(guild.id, ch);
		expect(updated).toMatchObject({ time: '07:30', timezone: 'Europe/Berlin', minVotes: 5, top: 10, mentionRoleId: roleId });
		expect(updated?.createdAt).toBe(saved?.createdAt);
		expect(updated?.startAfterDate).toBe(saved?.startAfterDate);
	});

	it('never mentions @everyone, nor a role of another server', async () => {
		await subscribedWithOptions();
		const foreign = await run('subscribe', [{ name: 'mention', type: ROLE, value: '423456789012345678' }]);
		expect(foreign['content']).toContain('not in this server');
		const res = await run('subscribe', [{ name: 'mention', type: ROLE, value: guild.id }]);
		expect(res['content']).toContain('@everyone');
		expect((await h.store.subscriptions.get(guild.id, guild.channels[0]!))?.mentionRoleId).toBe(paperRole);
	});

	it('will not ping a non-mentionable role for someone who could not ping it', async () => {
		await subscribedWithOptions();
		// The bot's own role is not mentionable; a member with Manage Channels alone cannot ping it.
		const refused = await run('subscribe', [{ name: 'mention', type: ROLE, value: guild.botRoleId }]);
		expect(refused['content']).toContain('not mentionable');
		expect((await h.store.subscriptions.get(guild.id, guild.channels[0]!))?.mentionRoleId).toBe(paperRole);
		const mentionEveryone = String((1n << 4n) | (1n << 17n));
		const allowed = await run('subscribe', [{ name: 'mention', type: ROLE, value: guild.botRoleId }], { permissions: mentionEveryone });
		expect(allowed['content']).toContain('Updated');
		expect((await h.store.subscriptions.get(guild.id, guild.channels[0]!))?.mentionRoleId).toBe(guild.botRoleId);
	});

	it('subscribing again changes only the options given, and 0 turns a filter off', async () => {
		await subscribedWithOptions();
		await run('subscribe', [{ name: 'top', type: INTEGER, value: 0 }]);
		const sub = await h.store.subscriptions.get(guild.id, guild.channels[0]!);
		expect(sub).toMatchObject({ time: '07:30', timezone: 'Europe/Berlin', minVotes: 5, top: null, mentionRoleId: paperRole });
		await run('subscribe', [{ name: 'top', type: INTEGER, value: 10 }]);
		expect((await h.store.subscriptions.get(guild.id, guild.channels[0]!))?.top).toBe(10);
	});

	it('stores time zones as people type them under their canonical name, and asks which one an ambiguous abbreviation means', async () => {
		const ch = guild.channels[0]!;
		for (const [typed, stored] of [
			['asia/seoul', 'Asia/Seoul'],
			['서울', 'Asia/Seoul'],
			['KST', 'Asia/Seoul'],
			['New York', 'America/New_York'],
			['UTC+09:00', 'Etc/GMT-9'],
		] as const) {
			await run('subscribe', [{ name: 'timezone', type: STRING, value: typed }]);
			expect((await h.store.subscriptions.get(guild.id, ch))?.timezone, typed).toBe(stored);
		}
		const ambiguous = await run('subscribe', [{ name: 'timezone', type: STRING, value: 'CST' }], { locale: 'ko' });
		expect(ambiguous['content']).toContain('America/Chicago');
		expect(ambiguous['content']).toContain('여러 시간대');
		expect((await h.store.subscriptions.get(guild.id, ch))?.timezone).toBe('Etc/GMT-9');
	});

	it("starts time-zone autocomplete with the member's own zones", async () => {
		const complete = async (value: string, locale: string) =>
			(
				await h.emu
					.interact({
						guildId: guild.id,
						channelId: guild.channels[0]!,
						type: 4,
						locale,
						data: { name: 'subscribe', type: 1, options: [{ name: 'timezone', type: STRING, value, focused: true }] },
					})
					.response()
			).data?.['choices'] as Array<{ value: string }>;
		expect((await complete('', 'ko'))[0]?.value).toBe('Asia/Seoul');
		expect((await complete('', 'en-US'))[0]?.value).toBe('America/New_York');
		expect((await complete('서울', 'ko'))[0]?.value).toBe('Asia/Seoul');
		expect(await complete('', 'ko')).toHaveLength(25);
	});

	it('autocompletes time zones', async () => {
		const res = await h.emu
			.interact({
				guildId: guild.id,
				channelId: guild.channels[0]!,
				type: 4,
				data: { name: 'subscribe', type: 1, options: [{ name: 'timezone', type: STRING, value: 'seoul', focused: true }] },
			})
			.response();
		expect(res.data?.['choices']).toEqual([{ name: 'Asia/Seoul', value: 'Asia/Seoul' }]);
	});

	it('/subscriptions lists this server’s channels with settings, last digest, next run and pause reason', async () => {
		await subscribedWithOptions();
		await subscribe(h.store, guild.id, guild.channels[3]!, {
			lastDeliveredDate: '2026-01-02',
			paused: { reason: 'Missing Permissions: the bot needs Send Messages and Embed Links here', code: 50013, at: new Date().toISOString() },
		});
		await subscribe(h.store, other.id, other.channels[0]!);
		const res = await run('subscriptions');
		const text = JSON.stringify(res);
		expect(res['flags']).toBe(64);
		expect(text).toContain(`<#${guild.channels[0]}>`);
		expect(text).toContain('07:30 Europe/Berlin');
		expect(text).toMatch(/<t:\d+:f>/);
		expect(text).toContain('2026-01-02');
		expect(text).toContain('paused: the bot needs Send Messages and Embed Links here');
		expect(text).not.toContain(other.channels[0]!);

		// Every part in the reader's language, the pause stored in English included.
		const ko = JSON.stringify(await run('subscriptions', [], { locale: 'ko' }));
		expect(ko).toContain('메시지 보내기 및 링크 첨부');
		expect(ko).toContain('추천 5개 이상');
		expect(ko).toContain('상위 10편');
		expect(ko).not.toMatch(/Missing|votes|top \d/);
	});

	it('a guild cannot unsubscribe another guild’s channel', async () => {
		await subscribe(h.store, other.id, other.channels[0]!);
		const res = await run('unsubscribe', [{ name: 'channel', type: CHANNEL, value: other.channels[0]! }]);
		expect(res['content']).toContain('not subscribed');
		expect(await h.store.subscriptions.get(other.id, other.channels[0]!)).not.toBeNull();
	});

	it('/unsubscribe removes the subscription and its schedule', async () => {
		await subscribedWithOptions();
		const ch = guild.channels[0]!;
		const res = await run('unsubscribe');
		expect(res['content']).toContain('Unsubscribed');
		expect(await h.store.subscriptions.get(guild.id, ch)).toBeNull();
		expect(h.bot.ctx.scheduler.nextRun({ guildId: guild.id, channelId: ch })).toBeNull();
		const again = await run('unsubscribe');
		expect(again['content']).toContain('not subscribed');
	});

	it('/resume on a channel that is not paused says so', async () => {
		await subscribe(h.store, guild.id, guild.channels[0]!);
		const res = await run('resume');
		expect(res['content']).toContain('not paused');
	});

	it('defers a slow admin command ephemerally, then edits in the answer', async () => {
		await subscribedWithOptions();
		const subscriptions = h.bot.ctx.subscriptions;
		const list = subscriptions.list.bind(subscriptions);
		let release = () => {};
		const gate = new Promise<void>((r) => (release = r));
		subscriptions.list = async (guildId) => {
			await gate; // held until the deferral has been seen, so the answer can only come as an edit
			return list(guildId);
		};
		try {
			const handle = h.emu.interact({
				guildId: guild.id,
				channelId: guild.channels[0]!,
				type: 2,
				permissions: MANAGE_CHANNELS,
				data: { name: 'subscriptions', type: 1, options: [] },
			});
			const first = await handle.response();
			release();
			expect(first.type).toBe(5);
			expect(first.data?.['flags']).toBe(64);
			expect(handle.answeredInTime()).toBe(true);
			const [edit] = await handle.waitForEdits(1, 10_000);
			expect(JSON.stringify(edit)).toContain(`<#${guild.channels[0]}>`);
		} finally {
			release();
			subscriptions.list = list;
		}
	});
});
