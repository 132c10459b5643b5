import { describe, expect, it } from 'vitest';
import { localeOf, MESSAGES, summaryLabel, t, tCount, type MessageKey } from '../src/i18n.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message table', () => {
	it('has both languages for every entry, with the same placeholders', () => {
		for (const [key, entry] of Object.entries(MESSAGES)) {
			expect(entry.ko.trim(), key).not.toBe('');
			expect(entry['en-US'].trim(), key).not.toBe('');
			expect(placeholders(entry.ko), key).toEqual(placeholders(entry['en-US']));
		}
	});

	it('has a one and an other form for every plural key', () => {
		const keys = Object.keys(MESSAGES) as MessageKey[];
		for (const key of keys.filter((k) => k.endsWith('.one'))) expect(keys).toContain(key.replace(/\.one$/, '.other'));
	});

	it('fills placeholders and leaves unknown ones visible', () => {
		expect(t('en-US', 'sub.none', { channel: '<#1>' })).toBe('<#1> is not subscribed.');
		expect(t('ko', 'sub.none')).toBe('{channel}은(는) 구독 중이 아닙니다.');
	});

	it('chooses the plural form by count in English, one form in Korean', () => {
		expect(tCount('en-US', 'paper.others', 1)).toBe(' and 1 other');
		expect(tCount('en-US', 'paper.others', 2)).toBe(' and 2 others');
		expect(tCount('ko', 'paper.others', 1)).toBe(' 외 1명');
		expect(tCount('en-US', 'digest.header', 1, { date: '2026-12-02' })).toBe('📰 **Daily Papers — 2026-12-02** (1 paper)');
	});

	it('maps a Discord locale to Korean only for ko', () => {
		expect(localeOf('ko')).toBe('ko');
		expect(localeOf('en-GB')).toBe('en-US');
		expect(localeOf(null)).toBe('en-US');
	});

	it('translates only the standard summary labels', () => {
		expect(summaryLabel('ko', "WHAT'S NEW")).toBe('새로운 점');
		expect(summaryLabel('en-US', '성능 하이라이트')).toBe('Performance Highlights');
		expect(summaryLabel('ko', 'Ethical Considerations')).toBe('Ethical Considerations');
	});
});
