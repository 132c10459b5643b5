import { describe, expect, it } from 'vitest';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { addDays, dailyCron, isOpen, localTime } from '../src/time/clock.ts';
import { paper as fixture } from './helpers/papers.ts';
import { candidateDates, messageNonce, planDigest, selectPapers } from '../src/delivery/plan.ts';

const paper = (id: string, votes: number | null): ArchivedPaper =>
	fixture({ id, votes, title: `Title ${id}`, summary: [{ label: "What's New", text: '요약'.repeat(40) }], date: '2026-03-10', dates: ['2026-03-10'] });

const papers = [paper('2603.00001', 3), paper('2603.00002', 9), paper('2603.00003', null), paper('2603.00004', 9), paper('2603.00005', 5)];
const sub = { channelId: '111111111111111111', minVotes: null, top: null, mentionRoleId: null };

describe('selectPapers', () => {
	it('keeps every paper without filters, in digest order', () => {
		expect(selectPapers(sub, papers).map((p) => p.id)).toEqual(papers.map((p) => p.id));
	});
	it('drops papers under min_votes, counting unknown votes as zero', () => {
		expect(selectPapers({ ...sub, minVotes: 5 }, papers).map((p) => p.id)).toEqual(['2603.00002', '2603.00004', '2603.00005']);
	});
	it('keeps the top N by votes (ties in digest order) but posts them in digest order', () => {
		expect(selectPapers({ ...sub, top: 2 }, papers).map((p) => p.id)).toEqual(['2603.00002', '2603.00004']);
		expect(selectPapers({ ...sub, top: 3 }, papers).map((p) => p.id)).toEqual(['2603.00002', '2603.00004', '2603.00005']);
	});
});

describe('messageNonce', () => {
	it('is deterministic, at most 25 characters, and differs by channel, digest and papers', () => {
		const a = messageNonce('1', '2026-03-10', ['x', 'y']);
		expect(a).toBe(messageNonce('1', '2026-03-10', ['x', 'y']));
		expect(a.length).toBeLessThanOrEqual(25);
		expect(
			new Set([a, messageNonce('2', '2026-03-10', ['x', 'y']), messageNonce('1', '2026-03-11', ['x', 'y']), messageNonce('1', '2026-03-10', ['x'])]).size,
		).toBe(4);
	});
});

describe('planDigest', () => {
	it('plans every wanted paper once, each message with its nonce and enforce_nonce', () => {
		const planned = planDigest({ sub, date: '2026-03-10', papers, delivered: new Set() });
		expect(planned.flatMap((m) => m.paperIds)).toEqual(papers.map((p) => p.id));
		for (const m of planned) {
			expect(m.body.nonce).toBe(m.nonce);
			expect(m.body.enforce_nonce).toBe(true);
			expect(m.body.embeds).toHaveLength(m.paperIds.length);
		}
	});
	it('skips papers already in the ledger and gives the rest no second header or mention', () => {
		const withRole = { ...sub, mentionRoleId: '222222222222222222' };
		const first = planDigest({ sub: withRole, date: '2026-03-10', papers, delivered: new Set() });
		expect(first[0]?.body.content).toContain('<@&222222222222222222>');
		const rest = planDigest({ sub: withRole, date: '2026-03-10', papers, delivered: new Set(['2603.00001', '2603.00002']) });
		expect(rest.flatMap((m) => m.paperIds)).toEqual(['2603.00003', '2603.00004', '2603.00005']);
		expect(rest.every((m) => !m.body.content)).toBe(true);
		expect(rest.every((m) => m.body.allowed_mentions.roles === undefined)).toBe(true);
	});
	it('plans the same messages again after a crash, so Discord can deduplicate them by nonce', () => {
		const a = planDigest({ sub, date: '2026-03-10', papers, delivered: new Set(['2603.00001']) });
		const b = planDigest({ sub, date: '2026-03-10', papers, delivered: new Set(['2603.00001']) });
		expect(b).toEqual(a);
	});
	it('plans nothing when every wanted paper was delivered', () => {
		expect(planDigest({ sub, date: '2026-03-10', papers, delivered: new Set(papers.map((p) => p.id)) })).toEqual([]);
	});
});

describe('candidateDates', () => {
	const dates = ['2026-05-10', '2026-05-16', '2026-05-17', '2026-05-19', '2026-05-20'];
	it('keeps digests after the subscription started, within the catch-up window, oldest first', () => {
		expect(candidateDates({ dates: [...dates].reverse(), startAfterDate: '2026-05-16', today: '2026-05-20', catchUpDays: 3 })).toEqual({
			due: ['2026-05-17', '2026-05-19', '2026-05-20'],
			tooOld: [],
		});
	});
	it('reports missed digests older than the window only while they are newer than the last delivered', () => {
		expect(candidateDates({ dates, startAfterDate: null, lastDeliveredDate: '2026-05-10', today: '2026-05-20', catchUpDays: 3 }).tooOld).toEqual([
			'2026-05-16',
		]);
	});
	it('reports pending digests older than the window separately', () => {
		expect(candidateDates({ dates, startAfterDate: null, today: '2026-05-20', catchUpDays: 3 })).toEqual({
			due: ['2026-05-17', '2026-05-19', '2026-05-20'],
			tooOld: ['2026-05-10', '2026-05-16'],
		});
	});
});

describe('clock', () => {
	it('reads wall-clock day and minute in a zone', () => {
		expect(localTime(new Date('2026-03-10T00:30:00Z'), 'Asia/Seoul')).toEqual({ date: '2026-03-10', minutes: 9 * 60 + 30 });
		expect(localTime(new Date('2026-03-10T00:30:00Z'), 'America/New_York')).toEqual({ date: '2026-03-09', minutes: 20 * 60 + 30 });
	});
	it('follows daylight saving: 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer', () => {
		const ny = { time: '09:00', timezone: 'America/New_York' };
		expect(isOpen(ny, new Date('2026-03-06T13:59:00Z'))).toBe(false); // EST
		expect(isOpen(ny, new Date('2026-03-06T14:00:00Z'))).toBe(true);
		expect(isOpen(ny, new Date('2026-03-09T12:59:00Z'))).toBe(false); // EDT from 8 March
		expect(isOpen(ny, new Date('2026-03-09T13:00:00Z'))).toBe(true);
	});
	it('builds the daily cron pattern and adds days across month ends', () => {
		expect(dailyCron('09:05')).toBe('5 9 * * *');
		expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
		expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
	});
});
