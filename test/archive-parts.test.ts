import { describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { Days } from '../src/archive/days.ts';
import { Ranking } from '../src/archive/ranking.ts';
import { Search, feedWords } from '../src/archive/search.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { addDays, periodStart } from '../src/time/dates.ts';

type Entry = { id: string; title?: string; votes?: number };

function digest(date: string, papers: Entry[]): string {
	const body = papers.map((p) => `### [${p.title ?? `Paper ${p.id}`}](https://arxiv.org/abs/${p.id})\n\nVote: ${p.votes ?? 1}\n\n- ***What's New***: text\n`);
	return `## Daily Papers (${date})\n\n${body.join('\n')}`;
}

const parsed = (file: string, date: string, papers: Entry[]) => parseDigest(digest(date, papers), file);

describe('archive/days: what a file change reports', () => {
	it('reports a new day and its papers', () => {
		const days = new Days();
		expect(days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00002' }, { id: '2412.00001' }]))).toEqual({
			dates: ['2024-12-09'],
			papers: ['2412.00001', '2412.00002'],
		});
	});

	it('reports nothing for a rewrite that moves papers to other lines but leaves them as they were', () => {
		const days = new Days();
		days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }]));
		const moved = parseDigest(`\n\n\n${digest('2024-12-09', [{ id: '2412.00001' }])}`, 'a.md');
		expect(moved.digest?.papers[0]?.line).not.toBe(3);
		expect(days.setFile('a.md', moved)).toEqual({ dates: [], papers: [] });
		expect(days.digest('2024-12-09')?.papers).toHaveLength(1);
	});

	it('reports the day and paper whose votes changed, not the papers beside it', () => {
		const days = new Days();
		days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }, { id: '2412.00002' }]));
		expect(days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001', votes: 9 }, { id: '2412.00002' }]))).toEqual({
			dates: ['2024-12-09'],
			papers: ['2412.00001'],
		});
	});

	it('reports both days when a file moves to another day, and a paper whose dates changed', () => {
		const days = new Days();
		days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }]));
		days.setFile('b.md', parsed('b.md', '2024-12-10', [{ id: '2412.00001' }]));
		expect(days.setFile('a.md', parsed('a.md', '2024-12-11', [{ id: '2412.00002' }]))).toEqual({
			dates: ['2024-12-09', '2024-12-11'],
			papers: ['2412.00001', '2412.00002'],
		});
		expect(days.paper('2412.00001')?.dates).toEqual(['2024-12-10']);
		expect(days.dates()).toEqual(['2024-12-11', '2024-12-10']);
	});

	it('reports nothing when a second file for a day adds no paper, though the day now names both files', () => {
		const days = new Days();
		days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }]));
		expect(days.setFile('b.md', parsed('b.md', '2024-12-09', [{ id: '2412.00001' }]))).toEqual({ dates: [], papers: [] });
		expect(days.digest('2024-12-09')?.files).toEqual(['a.md', 'b.md']);
	});

	it('reports the day and papers a removed file took with it', () => {
		const days = new Days();
		days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }]));
		expect(days.removeFile('a.md')).toEqual({ dates: ['2024-12-09'], papers: ['2412.00001'] });
		expect(days.removeFile('a.md')).toEqual({ dates: [], papers: [] });
		expect(days.dates()).toEqual([]);
	});
});

describe('archive parts: each drops its own cache for a change', () => {
	it('ranks anew once told a day changed, and keeps its ranking for a change that altered nothing', () => {
		const days = new Days();
		const ranking = new Ranking(days);
		ranking.invalidate(days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001', votes: 5 }])));
		ranking.invalidate(
			days.setFile(
				'b.md',
				parsed('b.md', '2024-12-10', [
					{ id: '2412.00001', votes: 1 },
					{ id: '2412.00002', votes: 3 },
				]),
			),
		);
		const before = ranking.top({ period: 'all' });
		expect(before.map((p) => [p.id, p.votes, p.date])).toEqual([
			['2412.00001', 5, '2024-12-09'],
			['2412.00002', 3, '2024-12-10'],
		]);
		ranking.invalidate(
			days.setFile(
				'b.md',
				parsed('b.md', '2024-12-10', [
					{ id: '2412.00001', votes: 1 },
					{ id: '2412.00002', votes: 3 },
				]),
			),
		);
		expect(ranking.top({ period: 'all' })[0]).toBe(before[0]);
		// An older appearance's votes change nothing of the paper's own entry, but its all-time rank.
		const change = days.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001', votes: 2 }]));
		expect(change).toEqual({ dates: ['2024-12-09'], papers: [] });
		ranking.invalidate(change);
		expect(ranking.top({ period: 'all' }).map((p) => [p.id, p.votes])).toEqual([
			['2412.00002', 3],
			['2412.00001', 2],
		]);
	});

	it('searches and suggests a changed paper by its new words and a new paper by its id', () => {
		const days = new Days();
		const ranking = new Ranking(days);
		feedWords(days);
		const search = new Search(days);
		const apply = (file: string, date: string, papers: Entry[]) => ranking.invalidate(days.setFile(file, parsed(file, date, papers)));
		apply('a.md', '2024-12-09', [{ id: '2412.00001', title: 'Gaussian Cities' }]);
		expect(search.search('gaussian').total).toBe(1);
		expect(search.suggest('2412.0000', undefined, 25).map((p) => p.id)).toEqual(['2412.00001']);
		apply('a.md', '2024-12-09', [
			{ id: '2412.00001', title: 'Sparse Towns' },
			{ id: '2412.00003', title: 'Tiny Reasoners' },
		]);
		expect(search.search('gaussian').total).toBe(0);
		expect(search.search('sparse').results.map((p) => p.title)).toEqual(['Sparse Towns']);
		expect(search.suggest('2412.0000', undefined, 25).map((p) => p.id)).toEqual(['2412.00001', '2412.00003']);
		expect(search.suggest('tiny', undefined, 25).map((p) => p.id)).toEqual(['2412.00003']);
		apply('a.md', '2024-12-09', []);
		expect(search.suggest('2412.0000', undefined, 25)).toEqual([]);
		expect(search.search('sparse').total).toBe(0);
	});

	it('returns what it changed from the facade, as the loader reads it', () => {
		const a = new Archive();
		expect(a.setFile('a.md', parsed('a.md', '2024-12-09', [{ id: '2412.00001' }])).dates).toEqual(['2024-12-09']);
		expect(a.hasDate('2024-12-09')).toBe(true);
		expect(a.removeFile('a.md').dates).toEqual(['2024-12-09']);
		expect(a.hasDate('2024-12-09')).toBe(false);
	});
});

describe('time/dates', () => {
	it('adds days across months, leap days and years', () => {
		expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
		expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
	});

	it('starts each period so that it ends on, and includes, the given day', () => {
		expect(periodStart('day', '2024-12-10')).toBe('2024-12-10');
		expect(periodStart('week', '2024-12-10')).toBe('2024-12-04');
		expect(periodStart('month', '2024-12-10')).toBe('2024-11-11');
		expect(periodStart('year', '2025-12-31')).toBe('2025-01-01');
		expect(periodStart('all', '2024-12-10')).toBeNull();
	});
});
