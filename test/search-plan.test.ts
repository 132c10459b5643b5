import { describe, expect, it } from 'vitest';
import { entryOf, searchKey } from '../src/archive/search.ts';
import { TITLE_MARK, searchPlan, suggestMatch } from '../src/archive/search-plan.ts';

describe('search plan', () => {
	it('has no plan for a query without a word', () => {
		expect(searchPlan(' ,.! ')).toBeNull();
		expect(suggestMatch('')).toBeNull();
	});

	it('ranks a one-word query in two tiers: the title holding it, then the rest', () => {
		const plan = searchPlan('Diffusion');
		expect(plan?.all).toBe('"diffusion"*');
		expect(plan?.tiers).toEqual([`(("diffusion"*) AND ("${TITLE_MARK}diffusion"*))`, `((("diffusion"*)) NOT ("${TITLE_MARK}diffusion"*))`]);
	});

	it('puts the compound of Hangul words typed apart above every title tier', () => {
		const plan = searchPlan('강화 학습');
		expect(plan?.all).toBe('"강화" AND "학습"');
		// One compound, two title words: 2 × 3 tiers, the compound held in the first three.
		expect(plan?.tiers).toHaveLength(6);
		for (const tier of plan?.tiers.slice(0, 3) ?? []) expect(tier).not.toContain('NOT ("강화 화학 학습")');
		for (const tier of plan?.tiers.slice(3) ?? []) expect(tier).toContain('NOT ("강화 화학 학습")');
		// The middle tier of each half holds one title word of the two, either one.
		expect(plan?.tiers[1]?.split(' OR ')).toHaveLength(2);
	});

	it('weighs four conditions at most, however long the query', () => {
		const plan = searchPlan('a b c d e f g');
		expect(plan?.tiers).toHaveLength(5);
		expect(plan?.all.split(' AND ')).toHaveLength(7);
	});

	it('suggests by title keys, the last word as a prefix', () => {
		expect(suggestMatch('video gen')).toBe(`"${TITLE_MARK}video"* AND "${TITLE_MARK}gen"*`);
		expect(suggestMatch('언어모델')).toBe(`"${TITLE_MARK}언어 ${TITLE_MARK}어모 ${TITLE_MARK}모델"`);
	});
});

describe('search key', () => {
	it('orders by votes, then by entry row, and gives the row back', () => {
		expect(searchKey(10, 5)).toBeGreaterThan(searchKey(9, 1_000_000));
		expect(searchKey(0, 1)).toBeGreaterThan(searchKey(null, 2));
		expect(searchKey(3, 8)).toBeGreaterThan(searchKey(3, 7));
		expect(entryOf(searchKey(123, 4567))).toBe(4567);
		expect(entryOf(searchKey(null, 0))).toBe(0);
		expect(Number.isSafeInteger(searchKey(10_000_000, 2 ** 26 - 1))).toBe(true);
		expect(() => searchKey(1, 2 ** 26)).toThrow(RangeError);
	});
});
