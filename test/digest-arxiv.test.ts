import { describe, expect, it } from 'vitest';
import { arxivUrl, looksLikeArxivId, parseArxivId } from '../src/digest/arxiv.ts';

describe('digest/arxiv', () => {
	it.each([
		['2412.04887', '2412.04887'],
		['  2412.04887v3 ', '2412.04887'],
		['0704.0001', '0704.0001'],
		['https://arxiv.org/abs/2412.04887', '2412.04887'],
		['https://arxiv.org/abs/2412.04887v2', '2412.04887'],
		['http://arxiv.org/pdf/2412.04887v2.pdf', '2412.04887'],
		['https://arxiv.org/pdf/2412.04887', '2412.04887'],
		['arxiv.org/abs/2412.04887?context=cs', '2412.04887'],
		['https://huggingface.co/papers/2412.04887', '2412.04887'],
		['hep-th/9901001', 'hep-th/9901001'],
		['https://arxiv.org/abs/hep-th/9901001v1', 'hep-th/9901001'],
		['math.AG/0309136', 'math.AG/0309136'],
		['arXiv:2412.04887', '2412.04887'],
	])('reads %s as %s', (input, id) => {
		expect(parseArxivId(input)).toBe(id);
	});

	it.each(['', 'hello', '2412.048', '2413.04887', '12345.6789', 'https://example.com/abs/2412.04887', 'https://arxiv.org/abs/', '9901001'])(
		'rejects %j',
		(input) => {
			expect(parseArxivId(input)).toBeNull();
		},
	);

	it('tells a bare id from a URL', () => {
		expect(looksLikeArxivId('2412.04887v1')).toBe(true);
		expect(looksLikeArxivId('hep-th/9901001')).toBe(true);
		expect(looksLikeArxivId('https://arxiv.org/abs/2412.04887')).toBe(false);
		expect(looksLikeArxivId('24120.4887')).toBe(false);
	});

	it('links the abstract page', () => {
		expect(arxivUrl('2412.04887')).toBe('https://arxiv.org/abs/2412.04887');
	});
});
