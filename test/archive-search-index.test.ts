import { describe, expect, it } from 'vitest';
import { SearchIndex, topK } from '../src/archive/search-index.ts';

describe('archive/search-index', () => {
	it('topK returns the first k items a stable sort would, ties kept in input order', () => {
		let seed = 7;
		const random = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const items = Array.from({ length: 500 }, (_, i) => ({ key: Math.floor(random() * 20), i }));
		const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
		const sorted = [...items].sort(byKey);
		for (const k of [0, 1, 10, 25, 62, 63, 499, 500, 600]) expect(topK(items, k, byKey)).toEqual(sorted.slice(0, k));
	});

	it('finds documents holding every term, the last one as a prefix when asked', () => {
		const index = new SearchIndex();
		index.set('a', { title: 'Gaussian splatting', body: 'cities' });
		index.set('b', { title: 'Sparse attention', body: 'gaussian noise' });
		expect(index.candidates(['gaussian'])).toEqual(['a', 'b']);
		expect(index.candidates(['gaussian'], { titleOnly: true })).toEqual(['a']);
		expect(index.candidates(['gaussian', 'sp'], { titleOnly: true, prefixLast: true })).toEqual(['a']);
		index.remove('a');
		expect(index.candidates(['gaussian'])).toEqual(['b']);
	});
});
