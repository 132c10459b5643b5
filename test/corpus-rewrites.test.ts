import { existsSync, readdirSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest/parse.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { archived } from '../src/archive/days.ts';
import { redraw } from '../src/delivery/redraw.ts';
import { planDigest } from '../src/delivery/plan.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { subscribe } from './helpers/subscriptions.ts';

const ROOT = path.resolve(import.meta.dirname, '../../shared/corpus/hf_daily_papers_lim4349/rewrites');
const present = existsSync(ROOT);
if (!present) console.warn(`rewrite corpus tests skipped: ${ROOT} is absent (CI has it; see ../shared/corpus/SOURCES.md)`);
const days = present ? [...new Set(readdirSync(ROOT).map((f) => f.slice(0, 10)))].sort() : [];

type Embed = { url?: string; description?: string; fields?: Array<{ value: string }> };
const embedsOf = (m: Record<string, unknown>) => (m['embeds'] as Embed[] | undefined) ?? [];
/** Each paper a channel's messages show now, with the votes shown beside it. */
function shownVotes(messages: Array<{ message: Record<string, unknown> }>): Map<string, string> {
	const shown = new Map<string, string>();
	for (const m of messages) {
		for (const e of embedsOf(m.message)) {
			const id = e.url?.split('/abs/')[1];
			if (id) shown.set(id, e.fields?.find((f) => f.value.startsWith('▲'))?.value.slice(2) ?? '');
			for (const line of e.description?.split('\n') ?? []) {
				const hit = /\(https:\/\/arxiv\.org\/abs\/([^)]+)\)\u00a0·\u00a0▲\u00a0(\d+)/.exec(line);
				if (hit) shown.set(hit[1]!, hit[2]!);
			}
		}
	}
	return shown;
}

async function read(day: string, part: string): Promise<ArchivedPaper[]> {
	const { digest } = parseDigest(await readFile(path.join(ROOT, `${day}-daily-papers.${part}.md`), 'utf8'), `${day}.md`);
	if (!digest) throw new Error(`${day} ${part} did not parse`);
	return digest.papers.map((p) => archived(p, digest.date, [digest.date]));
}

describe.skipIf(!present)('corpus: the five rewritten lim4349 days edit what was posted', () => {
	let h: Harness;
	const clock = () => new Date('2026-08-22T15:00:00Z');

	beforeAll(async () => {
		h = await startHarness({
			bot: { now: clock, settleMs: 0 },
			guilds: [{ channels: 3 }],
			env: { CATCH_UP_DAYS: '7' },
			emulator: { rateLimits: { scale: 20 } },
		});
	});
	afterAll(async () => h?.stop());

	it('morning posts, then afternoon edits: no paper posted twice, every shown vote the afternoon one', async () => {
		const g = h.guilds[0]!;
		const [cards, compact, threaded] = g.channels as [string, string, string];
		await subscribe(h.store, g.id, cards);
		await subscribe(h.store, g.id, compact, { format: 'compact' });
		await subscribe(h.store, g.id, threaded, { thread: true });
		const place = async (part: string) => {
			for (const day of days) await copyFile(path.join(ROOT, `${day}-daily-papers.${part}.md`), path.join(h.dir, 'digests', `${day}-daily-papers.md`));
			await h.bot.refresh();
			await h.bot.ctx.scheduler.idle();
		};
		await place('1-morning');
		const posted = h.emu.requests.filter((r) => r.method === 'POST' && r.status === 200).length;
		await place('2-afternoon');

		const added = new Set<string>();
		for (const day of days) {
			const [am, pm] = await Promise.all([read(day, '1-morning'), read(day, '2-afternoon')]);
			for (const p of pm) if (!am.some((q) => q.id === p.id)) added.add(p.id);
		}
		const newPosts = h.emu.requests.filter((r) => r.method === 'POST' && r.status === 200).length - posted;
		const edits = h.emu.requests.filter((r) => r.method === 'PATCH').length;
		expect(edits).toBeGreaterThan(0);
		if (added.size === 0) expect(newPosts).toBe(0);

		for (const day of days) {
			const thread = await h.store.ledger.getThread(threaded, day);
			for (const [channel, where] of [
				[cards, [cards]],
				[compact, [compact]],
				[threaded, [thread!]],
			] as const) {
				// The day's messages, by the ledger: a paper may also appear on another day.
				const ids = new Set([...(await h.store.ledger.sent(channel, day)).values()].map((e) => e.messageId));
				const messages = where.flatMap((c) => h.emu.messages(c)).filter((m) => ids.has(m.id));
				const papers = messages.flatMap((m) =>
					embedsOf(m.body)
						.map((e) => e.url?.split('/abs/')[1])
						.filter(Boolean),
				);
				expect(new Set(papers).size, `${day} ${channel}`).toBe(papers.length);
				const shown = shownVotes(messages);
				for (const p of await read(day, '2-afternoon'))
					expect(shown.get(p.id), `${day} ${p.id} ${channel === cards ? 'cards' : channel === compact ? 'compact' : 'thread'}`).toBe(String(p.votes));
			}
		}
	});
});

describe.skipIf(!present)('corpus: a posted message drawn again alone is the message that was posted', () => {
	it.each(days.flatMap((d) => ['cards', 'compact'].map((f) => [d, f] as const)))('%s in %s', async (day, format) => {
		const papers = await read(day, '2-afternoon');
		const sub = { channelId: '1', minVotes: null, top: null, mentionRoleId: '42', format: format as 'cards' | 'compact' };
		const byId = new Map(papers.map((p) => [p.id, p]));
		const planned = planDigest({ sub, date: day, papers, delivered: new Set(), locale: 'ko' });
		for (const m of planned) {
			const { nonce: _n, enforce_nonce: _e, ...body } = m.body;
			expect(redraw({ paperIds: m.paperIds, view: m.view }, byId, { date: day, locale: 'ko', roleId: '42' })).toEqual(body);
		}
	});
});
