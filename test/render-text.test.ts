import { describe, expect, it } from 'vitest';
import { ELLIPSIS, escapeMarkdown, graphemeFloor, inlineCode, oneLine, truncate, truncateEscaped, wellFormed } from '../src/render/text.ts';

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const KOREAN =
	'이 논문에서는 Momentum-GS라는 새로운 접근 방식을 소개합니다. 이는 대규모 장면의 3D 재구성을 위한 모멘텀 기반 자체 증류를 활용한 방법으로, ' +
	'블록 간의 일관성을 높여 새로운 최첨단 성능을 달성합니다. Momentum-GS는 CityGaussian 대비 LPIPS를 12.8% 개선하였습니다.';

describe('render/text', () => {
	it('leaves text that fits untouched', () => {
		expect(truncate('short', 5)).toBe('short');
		expect(truncate(KOREAN, KOREAN.length)).toBe(KOREAN);
	});

	it('cuts after a whole sentence when that keeps most of the room', () => {
		const text = 'The first sentence is here. The second one is rather long and goes on.';
		expect(truncate(text, 40)).toBe('The first sentence is here. …');
	});

	it('cuts at a word with an ellipsis when no sentence ends late enough', () => {
		const out = truncate('alpha beta gamma delta epsilon zeta eta theta', 20);
		expect(out).toBe('alpha beta gamma…');
	});

	it('cuts Korean text between words (eojeol), never inside one', () => {
		const out = truncate(KOREAN, 50);
		expect(out.length).toBeLessThanOrEqual(50);
		expect(out.endsWith(ELLIPSIS)).toBe(true);
		const kept = out.slice(0, -1).replace(/ $/, '');
		expect(KOREAN.startsWith(kept)).toBe(true);
		expect(KOREAN[kept.length]).toMatch(/\s/);
	});

	it('prefers a paragraph break over a sentence when both keep enough', () => {
		const text = `${'First paragraph sentence one. Sentence two.'}\n\n${'Second paragraph. '.repeat(5)}`;
		expect(truncate(text, 60)).toBe('First paragraph sentence one. Sentence two. …');
	});

	it('hard-cuts a single long word without splitting the emoji at the cut point', () => {
		const text = `${'a'.repeat(8)}😀${'b'.repeat(10)}`;
		// limit 8 lands just before the emoji, limit 9 inside it
		expect(truncate(text, 10)).toBe(`${'a'.repeat(8)}${ELLIPSIS}`);
		expect(truncate(text, 11)).toBe(`${'a'.repeat(8)}${ELLIPSIS}`);
		expect(truncate(text, 12)).toBe(`${'a'.repeat(8)}😀${ELLIPSIS}`);
	});

	it('never exceeds max nor leaves a lone surrogate, for every max', () => {
		const text = `${KOREAN} 😀😀 🇰🇷🇯🇵 e\u0301e\u0301 👩‍👩‍👧 ${'𝒜'.repeat(30)}`;
		for (let max = 0; max <= text.length + 1; max++) {
			const out = truncate(text, max);
			expect(out.length, `max ${max}`).toBeLessThanOrEqual(max);
			expect(isWellFormed(out), `max ${max}`).toBe(true);
		}
	});

	it('does not split a combining sequence or a flag in a hard cut', () => {
		const accents = 'e\u0301'.repeat(20);
		for (let max = 3; max < accents.length; max++) {
			const kept = truncate(accents, max).slice(0, -1);
			expect(kept.length % 2, `max ${max}`).toBe(0);
		}
		const flags = '🇰🇷🇯🇵🇺🇸🇫🇷🇩🇪🇰🇷🇯🇵';
		for (let max = 3; max < flags.length; max++) {
			const kept = truncate(flags, max).slice(0, -1);
			expect(kept.length % 4, `max ${max}`).toBe(0);
		}
	});

	it('finds grapheme boundaries', () => {
		const family = 'x👩‍👩‍👧y';
		expect(graphemeFloor(family, 5)).toBe(1);
		expect(graphemeFloor(family, family.length - 1)).toBe(family.length - 1);
		expect(graphemeFloor('a😀', 2)).toBe(1);
	});

	it('escapes what breaks a masked link or starts formatting, and nothing else', () => {
		expect(escapeMarkdown('[CLS] token *is* _all_ ~~you~~ `need` | a\\b')).toBe('\\[CLS\\] token \\*is\\* \\_all\\_ \\~\\~you\\~\\~ \\`need\\` \\| a\\\\b');
		expect(escapeMarkdown('모멘텀 (Momentum) 3.5% @everyone')).toBe('모멘텀 (Momentum) 3.5% @everyone');
	});

	it('keeps escaped text within max even when escapes add length', () => {
		const out = truncateEscaped('[a] '.repeat(200), 256);
		expect(out.length).toBeLessThanOrEqual(256);
		expect(out.startsWith('\\[a\\] ')).toBe(true);
		expect(out).not.toMatch(/(^|[^\\])\\$/);
	});

	it('replaces lone surrogates and keeps pairs', () => {
		expect(wellFormed('a\uD83Db😀\uDC00')).toBe('a\uFFFDb😀\uFFFD');
		expect(isWellFormed(wellFormed('\uD800\uD800\uDC00'))).toBe(true);
	});

	it('folds line breaks and tabs to single spaces for one-line text', () => {
		expect(oneLine('  a\tb\n\nc  ')).toBe('a b c');
	});

	it('quotes echoed text as one inline code span that no backtick in it can end', () => {
		expect(inlineCode('plain')).toBe('`plain`');
		expect(inlineCode('a`b')).toBe('``a`b``');
		expect(inlineCode('`edge`')).toBe('`` `edge` ``');
		// Three backticks would open a code block; broken up, two always fence them.
		expect(inlineCode('x```y')).toBe('``x`\u200b`\u200b`y``');
		expect(inlineCode('two\nlines')).toBe('`two lines`');
		expect(inlineCode('')).toBe(`\`${ELLIPSIS}\``);
		expect(inlineCode('a'.repeat(500), 10).length).toBeLessThanOrEqual(12);
	});
});
