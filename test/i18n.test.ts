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

describe('pause reasons and permissions in the reader’s language', () => {
	it('reads a stored English pause reason in either language, by its code', async () => {
		const { pauseReason } = await import('../src/bot/subscription-text.ts');
		const missing = { code: 50013, reason: 'Missing Permissions: the bot needs View Channel, Send Messages and Embed Links here' };
		expect(pauseReason(missing, 'ko')).toBe('봇에게 이 채널의 채널 보기, 메시지 보내기 및 링크 첨부 권한이 필요합니다');
		expect(pauseReason(missing, 'en-US')).toBe('the bot needs View Channel, Send Messages, and Embed Links here');
		expect(pauseReason({ code: 50013, reason: 'Missing Permissions: the bot needs Embed Links here (Discord removed the embeds)' }, 'ko')).toContain('임베드');
		expect(pauseReason({ code: 10003, reason: 'Unknown Channel: the channel no longer exists' }, 'ko')).toBe('채널이 더 이상 없습니다');
		expect(pauseReason({ code: 50001, reason: 'x' }, 'en-US')).toBe('the bot cannot see this channel');
		expect(pauseReason({ code: null, reason: 'Discord answered 403: Forbidden' }, 'ko')).toBe('Discord가 거부했습니다: Discord answered 403: Forbidden');
	});
});
