import { describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { digestMarkdown, papersFor } from './helpers/digests.ts';

const good = (date: string, n = 2) => parseDigest(digestMarkdown(date, papersFor(date, n)), `${date}.md`);

describe('an empty day is no day', () => {
	it('a digest heading with no paper under it is an error, and no digest', () => {
		const r = parseDigest('## Daily Papers (2024-12-10)\n\nThe papers come later.\n', 'late.md');
		expect(r.digest).toBeNull();
		expect(r.problems).toEqual([
			{ file: 'late.md', line: 1, level: 'error', message: 'no paper could be read from the digest for 2024-12-10; the file is not taken as a digest' },
		]);
	});

	it('a digest whose every paper is unusable is no digest either', () => {
		const r = parseDigest('## Daily Papers (2024-12-10)\n\n### [Gone](https://example.com/x)\n\nVote: 3\n', 'bad.md');
		expect(r.digest).toBeNull();
		expect(r.problems.map((p) => p.level)).toEqual(['error', 'error']);
	});

	it('is never the latest day, listed among the dates, or counted as a digest', () => {
		const a = new Archive();
		a.setFile('2024-12-09.md', good('2024-12-09'));
		// An empty reading as another producer could hand it over, digest and all.
		const change = a.setFile('2024-12-10.md', { digest: { date: '2024-12-10', file: '2024-12-10.md', papers: [] }, problems: [] });
		expect(change).toEqual({ dates: [], papers: [] });
		expect(a.latestDate()).toBe('2024-12-09');
		expect(a.dates()).toEqual(['2024-12-09']);
		expect(a.hasDate('2024-12-10')).toBe(false);
		expect(a.digest('2024-12-10')).toBeUndefined();
		expect(a.digests().map((d) => d.file)).toEqual(['2024-12-09.md']);
		expect(a.stats()).toEqual({ files: 2, digests: 1, papers: 2 });
		expect(a.top({ period: 'day' }).map((p) => p.date)).toEqual(['2024-12-09', '2024-12-09']);
	});

	it('a day rewritten to hold no paper goes away, and its file coming back brings it back', () => {
		const a = new Archive();
		a.setFile('d.md', good('2024-12-09'));
		expect(a.setFile('d.md', parseDigest('## Daily Papers (2024-12-09)\n', 'd.md')).dates).toEqual(['2024-12-09']);
		expect(a.dates()).toEqual([]);
		expect(a.setFile('d.md', good('2024-12-09', 3)).dates).toEqual(['2024-12-09']);
		expect(a.digest('2024-12-09')?.papers).toHaveLength(3);
	});

	it('an empty file for a day another file holds leaves that day as it is, with no merge warning', () => {
		const a = new Archive();
		a.setFile('a.md', good('2024-12-09'));
		a.setFile('b.md', { digest: { date: '2024-12-09', file: 'b.md', papers: [] }, problems: [] });
		expect(a.digest('2024-12-09')?.files).toEqual(['a.md']);
		expect(a.problems()).toEqual([]);
	});
});
