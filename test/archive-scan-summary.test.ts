import { describe, expect, it } from 'vitest';
import { summariseScan } from '../src/archive/scan-summary.ts';

describe('the summary of a scan', () => {
	it('counts a large first scan and names only a few files, with the date range', () => {
		const files = Array.from({ length: 357 }, (_, i) => `2025/${String(i).padStart(3, '0')}.md`);
		const dates = Array.from({ length: 357 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
		const summary = summariseScan({ added: files, changed: [], removed: [], dates: [...dates].reverse() });
		expect(summary).toEqual({
			added: 357,
			changed: 0,
			removed: 0,
			addedFiles: [...files.slice(0, 5), '… 352 more'],
			dates: 357,
			firstDate: '2025-01-01',
			lastDate: '2025-12-23',
		});
		expect(JSON.stringify(summary).length).toBeLessThan(400);
	});

	it('names every file of a small change', () => {
		expect(summariseScan({ added: [], changed: ['a.md'], removed: ['b.md'], dates: ['2026-01-02'] })).toEqual({
			added: 0,
			changed: 1,
			removed: 1,
			changedFiles: ['a.md'],
			removedFiles: ['b.md'],
			dates: 1,
			firstDate: '2026-01-02',
			lastDate: '2026-01-02',
		});
	});
});
