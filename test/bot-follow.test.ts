import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { writeDigest, type FixturePaper } from './helpers/digests.ts';
import { until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { FOLLOWS_MAX } from '../src/store/schema.ts';

const STRING = 3;
const OLD = '2024-12-10';
const today = () => new Date().toISOString().slice(0, 10);
const yymm = () => today().slice(2, 4) + today().slice(5, 7);

const A = '330000000000000001';
const B = '330000000000000002';
const C = '330000000000000003';
const D = '330000000000000004';

function todaysPapers(): FixturePaper[] {
	const id = (n: number) => `${yymm()}.${today().slice(8, 10)}${String(n).padStart(3, '0')}`;
	return [
		{ id: id(1), title: 'Gaussian Splatting for Whole Cities', votes: 30 },
		{ id: id(2), title: 'Diffusion Models at Scale', votes: 20 },
		{ id: id(3), title: 'Efficient Transformers', votes: 10, new: '확산 모델로 언어 모델을 개선합니다.' },
		{ id: id(4), title: 'Robot Arms', votes: 5 },
	];
}

type Json = Record<string, unknown>;
const dmBody = (h: Harness, userId: string) => h.emu.dms.sentTo(userId).map((m) => m.body);
const listed = (body: Json) => JSON.stringify(body['embeds']);

describe('members follow searches and get one DM per digest', () => {
	let h: Harness;
	let guild: string;
	let channel: string;
	let news: string;
	beforeAll(async () => {
		h = await startHarness({
			bot: { settleMs: 0 },
			guilds: [{ channels: 2 }],
			setup: async (_emu, dir) => void (await writeDigest(`${dir}/digests`, OLD, [{ id: '2412.10001', title: 'Old Splatting Paper' }])),
		});
		guild = h.guilds[0]!.id;
		[channel, news] = h.guilds[0]!.channels as [string, string];
	});
	afterAll(async () => h?.stop());

	const run = (userId: string, name: string, options: Array<{ name: string; type: number; value: unknown }> = [], locale = 'en-US') =>
		answerOf(h.emu.interact({ guildId: guild, channelId: channel, userId, type: 2, locale, data: command(name, options) }));
	const follow = (userId: string, query: string, locale = 'en-US') => run(userId, 'follow', [{ name: 'query', type: STRING, value: query }], locale);

	it('/follow, /follows and /unfollow keep a member’s own follows, up to the cap, privately', async () => {
		const added = await follow(A, 'Gaussian splatting');
		expect(added['flags']).toBe(64);
		expect(added['content']).toContain('Following `Gaussian splatting`');
		expect((await follow(A, 'gaussian  SPLATTING'))['content']).toContain('already follow');
		for (let i = 1; i < FOLLOWS_MAX - 1; i++) await h.store.members.follow(A, `filler topic ${i}`, OLD);
		expect((await follow(A, 'diffusion'))['content']).toContain('Following');
		const full = await follow(A, 'one too many', 'ko');
		expect(full['flags']).toBe(64);
		expect(full['content']).toContain(`최대 개수인 ${FOLLOWS_MAX}개`);
		expect(await h.store.members.follows(A)).toHaveLength(FOLLOWS_MAX);
		const mine = await run(A, 'follows');
		expect(mine['content']).toContain('`Gaussian splatting` · no match yet');
		// Another member sees only their own (none), and cannot remove the asker's.
		expect((await run(B, 'follows'))['content']).toContain('You follow nothing yet');
		expect((await run(B, 'unfollow', [{ name: 'query', type: STRING, value: 'Gaussian splatting' }]))['content']).toContain('You do not follow');
		expect(await h.store.members.follows(A)).toHaveLength(FOLLOWS_MAX);
		for (let i = 1; i < FOLLOWS_MAX - 1; i++) await h.store.members.unfollow(A, `filler topic ${i}`);
		expect((await run(A, 'unfollow', [{ name: 'query', type: STRING, value: 'diffusion' }]))['content']).toContain('No longer following');
		await follow(A, 'diffusion');
		expect((await follow(C, '!!'))['content']).toContain('at least one word');
	});

	it('a new digest sends each matching member one DM listing every match, after the channel got its digest, paced and never pinging', async () => {
		await follow(B, '확산', 'ko');
		await follow(C, 'robots in space');
		await follow(D, 'Robot');
		h.emu.dms.refuseDms(D);
		await subscribe(h.store, guild, news, { time: '00:00', timezone: 'UTC' });
		const papers = todaysPapers();
		await writeDigest(`${h.dir}/digests`, today(), papers);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		await h.bot.alerts.idle();

		// A: two follows, two different papers, one DM.
		const [toA, ...more] = dmBody(h, A);
		expect(more).toEqual([]);
		expect(listed(toA!)).toContain(papers[0]!.title);
		expect(listed(toA!)).toContain(papers[1]!.title);
		expect(listed(toA!)).not.toContain(papers[3]!.title);
		expect(listed(toA!)).toContain('▲ 30');
		expect(listed(toA!)).toContain(`https://arxiv.org/abs/${papers[0]!.id}`);
		expect(toA!['allowed_mentions']).toEqual({ parse: [] });
		expect(toA!['enforce_nonce']).toBe(true);
		expect(String(toA!['nonce']).length).toBeLessThanOrEqual(25);
		// B, in Korean: the Hangul word found inside a summary, as /search finds it.
		const [toB] = dmBody(h, B);
		expect(listed(toB!)).toContain('팔로우와 맞는 새 논문');
		const searched = h.bot.ctx.archive
			.search('확산', { limit: 100 })
			.results.filter((p) => p.dates.includes(today()))
			.map((p) => p.title);
		expect(searched).toEqual([papers[2]!.title]);
		expect(listed(toB!)).toContain(papers[2]!.title);
		expect(listed(toB!)).not.toContain(papers[1]!.title);
		// C matched nothing.
		expect(dmBody(h, C)).toEqual([]);

		// The channel's digest went out before the first DM was asked for.
		const firstDm = h.emu.requests.find((r) => r.path === '/users/@me/channels')!;
		const channelPosts = h.emu.requests.filter((r) => r.path === `/channels/${news}/messages` && r.method === 'POST');
		expect(channelPosts.length).toBeGreaterThan(0);
		expect(Math.max(...channelPosts.map((r) => r.time))).toBeLessThanOrEqual(firstDm.time);
		// Paced: alert requests at most 20 a second.
		const alertRequests = h.emu.requests.filter((r) => r.path === '/users/@me/channels' || h.emu.dms.has(r.path.split('/')[2] ?? ''));
		for (let i = 1; i < alertRequests.length; i++) expect(alertRequests[i]!.time - alertRequests[i - 1]!.time).toBeGreaterThanOrEqual(40);

		// D does not take DMs: paused with the reason, shown in /follows.
		expect(await h.store.members.dmPaused(D)).toMatchObject({ code: 50007 });
		const follows = await run(D, 'follows');
		expect(follows['content']).toContain('Alerts are paused');
		expect(follows['content']).toContain('50007');
		expect((await run(A, 'follows'))['content']).toContain(`last matched ${today()}`);
	});

	it('the same digest again (rewritten, or another scan) alerts no one twice, and a paused member is not retried', async () => {
		const before = h.emu.requests.length;
		const papers = todaysPapers();
		await writeDigest(`${h.dir}/digests`, today(), [...papers, { id: `${yymm()}.${today().slice(8, 10)}099`, title: 'More Gaussian Splatting', votes: 1 }]);
		await h.bot.refresh();
		await h.bot.ctx.scheduler.idle();
		h.bot.alerts.trigger();
		await h.bot.alerts.idle();
		expect(dmBody(h, A)).toHaveLength(1);
		expect(dmBody(h, B)).toHaveLength(1);
		const later = h.emu.requests.slice(before);
		expect(later.filter((r) => r.path === '/users/@me/channels' || h.emu.dms.has(r.path.split('/')[2] ?? ''))).toEqual([]);

		// Following again is how D says DMs are open now: alerts resume, and the pending DM goes out once.
		h.emu.dms.refuseDms(D, false);
		expect((await follow(D, 'robot'))['content']).toContain('Alerts by DM are on again');
		h.bot.alerts.trigger();
		await h.bot.alerts.idle();
		expect(dmBody(h, D)).toHaveLength(1);
		expect(listed(dmBody(h, D)[0]!)).toContain('Robot Arms');
		// D's DM channel was opened once, before the 50007, and kept.
		const opens = h.emu.requests.filter((r) => r.path === '/users/@me/channels' && (r.body as { recipient_id?: string }).recipient_id === D);
		expect(opens).toHaveLength(1);
	});

	it('/forget-me drops the member’s follows and DM records too', async () => {
		await h.store.members.forget(C);
		expect(await h.store.members.follows(C)).toEqual([]);
	});
});

describe('alert DMs across restarts', () => {
	let dir: string;
	let store: Store;
	const harnesses: Harness[] = [];
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'paperboy-alerts-'));
		store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
	});
	afterEach(async () => {
		for (const h of harnesses.splice(0)) await h.stop();
	});
	afterAll(async () => {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('a DM left pending by a failure is sent once by the next process, and a sent one never again', async () => {
		await store.members.follow(A, 'diffusion', OLD);
		const start = async (fail: boolean) => {
			const h = await startHarness({
				store,
				guilds: [{ channels: 1 }],
				setup: async (emu, d) => {
					await writeDigest(`${d}/digests`, today(), todaysPapers());
					if (fail) emu.fault({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status: 500, times: 20 });
				},
			});
			harnesses.push(h);
			await h.bot.alerts.idle();
			return h;
		};
		const first = await start(true);
		await until(async () => (await store.members.dm(A, today())) !== null, 5000, 'the pending record');
		await first.bot.alerts.idle();
		expect(first.emu.dms.sentTo(A)).toEqual([]);
		const pending = await store.members.dm(A, today());
		expect(pending).toMatchObject({ state: 'pending' });
		await first.stop();
		harnesses.splice(0);

		const second = await start(false);
		await until(() => second.emu.dms.sentTo(A).length > 0, 5000, 'the DM');
		await second.bot.alerts.idle();
		expect(second.emu.dms.sentTo(A)).toHaveLength(1);
		expect(second.emu.dms.sentTo(A)[0]!.body['nonce']).toBe(pending!.nonce);
		// The DM channel kept from the first process is unknown to this Discord: it was asked for again.
		expect(second.emu.requests.some((r) => r.status === 404 && r.method === 'POST')).toBe(true);
		expect(second.emu.requests.filter((r) => r.path === '/users/@me/channels')).toHaveLength(1);
		expect(await store.members.dm(A, today())).toMatchObject({ state: 'sent' });
		await second.stop();
		harnesses.splice(0);

		const third = await start(false);
		await third.bot.alerts.idle();
		expect(third.emu.dms.sentTo(A)).toEqual([]);
	});
});
