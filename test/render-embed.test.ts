import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest/parse.ts';
import { PAPER_COLOR, PAPER_EMBED_BUDGET, digestMessages, embedLength, paperEmbed, shortenAuthors, summaryDescription } from '../src/render/embed.ts';
import { EMBED_FIELD_VALUE_MAX, MESSAGE_EMBEDS_TOTAL_MAX } from '../src/render/limits.ts';
import { paper } from './helpers/papers.ts';

const sentence = '모멘텀을 사용한 자체 증류 기법을 통해 각 블록에 글로벌 가이드를 제공하여 일관성을 유지합니다. ';

describe('render/embed', () => {
	it('counts title, description, field names and values, footer and author toward the 6000', () => {
		const embed: APIEmbed = {
			title: 'ab',
			description: 'cde',
			url: 'https://example.com/not-counted',
			fields: [{ name: 'f', value: 'gh' }],
			footer: { text: 'ijkl' },
			author: { name: 'm😀' },
			color: 1,
		};
		expect(embedLength(embed)).toBe(2 + 3 + 1 + 2 + 4 + 3);
		expect(embedLength({})).toBe(0);
	});

	it('links the title to the paper and renders labelled bullets in bold', () => {
		const embed = paperEmbed(paper());
		expect(embed.title).toBe(paper().title);
		expect(embed.url).toBe('https://arxiv.org/abs/2412.04887');
		expect(embed.color).toBe(PAPER_COLOR);
		expect(embed.description).toBe(
			'**새로운 점**: 이 논문에서는 Momentum-GS라는 새로운 접근 방식을 소개합니다.\n**기술적 세부 사항**: 하이브리드 표현 방식을 사용합니다.',
		);
		expect(embed.thumbnail).toEqual({ url: paper().thumbnail });
		expect(embed.footer?.text).toBe('arXiv:2412.04887 · 2024-12-09');
	});

	it('renders unlabelled bullets with a dot', () => {
		const embed = paperEmbed(
			paper({
				summary: [
					{ label: null, text: 'first' },
					{ label: null, text: 'second' },
				],
			}),
		);
		expect(embed.description).toBe('• first\n• second');
	});

	it('prefixes the rank and escapes brackets in the title', () => {
		const embed = paperEmbed(paper({ title: '[CLS] Tokens *Matter*: A_B' }), { rank: 3 });
		expect(embed.title).toBe('3. \\[CLS\\] Tokens \\*Matter\\*: A\\_B');
	});

	it('keeps a title of any length within 256', () => {
		const embed = paperEmbed(paper({ title: 'Long [title] '.repeat(100) }), { rank: 12 });
		expect(embed.title?.length).toBeLessThanOrEqual(256);
		expect(embed.title?.startsWith('12. Long \\[title\\]')).toBe(true);
	});

	it('shows votes and shortened authors as fields, in both locales', () => {
		const ko = paperEmbed(paper());
		expect(ko.fields).toEqual([
			{ name: '저자', value: 'Wanhua Li, Jixuan Fan, Yansong Tang, Yifei Han', inline: false },
			{ name: '추천', value: '▲ 10', inline: true },
			{
				name: '링크',
				value: '[arXiv](https://arxiv.org/abs/2412.04887) · [PDF](https://arxiv.org/pdf/2412.04887) · [Hugging Face](https://huggingface.co/papers/2412.04887)',
				inline: true,
			},
		]);
		const en = paperEmbed(paper(), { locale: 'en-US' });
		expect(en.fields?.map((f) => f.name)).toEqual(['Authors', 'Votes', 'Links']);
	});

	it('names the affiliation and links the page the digest gave, when it gave them', () => {
		const embed = paperEmbed(paper({ affiliation: 'Google *Research*', pageUrl: 'https://huggingface.co/papers/2412.04887?from=blog' }), { locale: 'en-US' });
		expect(embed.fields?.find((f) => f.name === 'Affiliation')?.value).toBe('Google \\*Research\\*');
		expect(embed.fields?.find((f) => f.name === 'Links')?.value).toContain('(https://huggingface.co/papers/2412.04887?from=blog)');
	});

	it('shortens a 10,437-character authors line to whole names and a count', () => {
		const authors = Array.from({ length: 640 }, (_, i) => `Author${String(i).padStart(3, '0')} Surname`);
		expect(authors.join(', ').length).toBeGreaterThan(10_437);
		const value = paperEmbed(paper({ authors })).fields?.[0]?.value ?? '';
		expect(value.length).toBeLessThanOrEqual(200);
		expect(value).toMatch(/^Author000 Surname, Author001 Surname, .*Surname 외 \d+명$/);
		const shown = value.split(', ').length;
		expect(value.endsWith(` 외 ${640 - shown}명`)).toBe(true);
	});

	it('shortens authors as "A, B and n others" in English, "and 1 other" for one', () => {
		const four = ['Anna Smith', 'Bob Jones', 'Cy Young', 'Dee Dee'];
		expect(shortenAuthors(four, 34, 'en-US')).toBe('Anna Smith, Bob Jones and 2 others');
		expect(shortenAuthors(four, 33, 'en-US')).toBe('Anna Smith and 3 others');
		expect(shortenAuthors(['Anna Smith', 'Bob Jones', 'Christopher Columbus'], 40, 'en-US')).toBe('Anna Smith, Bob Jones and 1 other');
		expect(shortenAuthors(four, 34, 'ko')).toBe('Anna Smith, Bob Jones 외 2명');
		expect(shortenAuthors(['Ann', 'Bob', 'Cy'], 100, 'en-US')).toBe('Ann, Bob, Cy');
		expect(shortenAuthors(['A'.repeat(500), 'Bob'], 50, 'ko')).toMatch(/^A+… 외 1명$/);
		expect(shortenAuthors(['A'.repeat(500), 'Bob'], 50, 'ko').length).toBeLessThanOrEqual(50);
		expect(shortenAuthors([], 50)).toBe('');
	});

	it('cuts a 1,500-character bullet to fit the budget and keeps the short ones whole', () => {
		const long = sentence.repeat(30).trim();
		expect(long.length).toBeGreaterThan(1500);
		const embed = paperEmbed(
			paper({
				summary: [
					{ label: "What's New", text: '짧은 요약입니다.' },
					{ label: 'Technical Details', text: long },
					{ label: 'Performance Highlights', text: '성능이 좋습니다.' },
				],
			}),
		);
		const lines = embed.description?.split('\n') ?? [];
		expect(lines).toHaveLength(3);
		expect(lines[0]).toBe('**새로운 점**: 짧은 요약입니다.');
		expect(lines[2]).toBe('**성능 하이라이트**: 성능이 좋습니다.');
		expect(lines[1]?.endsWith('다. …')).toBe(true);
		expect(embedLength(embed)).toBeLessThanOrEqual(PAPER_EMBED_BUDGET);
	});

	it('shares the room fairly between several long bullets', () => {
		const long = sentence.repeat(10);
		const description = summaryDescription(
			[
				{ label: 'A', text: long },
				{ label: 'B', text: long },
			],
			600,
		);
		const [a, b] = description.split('\n');
		expect(description.length).toBeLessThanOrEqual(600);
		expect(Math.abs((a?.length ?? 0) - (b?.length ?? 0))).toBeLessThan(60);
	});

	it('lets a paper shown alone use up to 4096 of description', () => {
		const long = sentence.repeat(100);
		const embed = paperEmbed(paper({ summary: [{ label: 'A', text: long }] }), { maxLength: MESSAGE_EMBEDS_TOTAL_MAX });
		expect(embed.description?.length).toBeGreaterThan(3500);
		expect(embed.description?.length).toBeLessThanOrEqual(4096);
	});

	it('respects a tiny maxLength', () => {
		for (const maxLength of [1, 10, 50, 120]) {
			expect(embedLength(paperEmbed(paper(), { maxLength, rank: 5 }))).toBeLessThanOrEqual(maxLength);
		}
	});

	it('renders a paper with no summary, votes, authors or thumbnail', () => {
		const embed = paperEmbed(paper({ summary: [], votes: null, authors: [], thumbnail: null }));
		expect(embed.description).toBeUndefined();
		expect(embed.fields?.map((f) => f.name)).toEqual(['링크']);
		expect(embed.thumbnail).toBeUndefined();
		expect(embed.title).toBe(paper().title);
	});

	it('shows zero votes rather than hiding them', () => {
		expect(paperEmbed(paper({ votes: 0 })).fields?.[1]).toEqual({ name: '추천', value: '▲ 0', inline: true });
	});

	it('uses a thumbnail only when it is an absolute https URL', () => {
		expect(paperEmbed(paper({ thumbnail: 'http://example.com/a.png' })).thumbnail).toBeUndefined();
		expect(paperEmbed(paper({ thumbnail: '/avatars/x.svg' })).thumbnail).toBeUndefined();
		expect(paperEmbed(paper({ thumbnail: `https://example.com/${'a'.repeat(2100)}` })).thumbnail).toBeUndefined();
	});

	it('lists every digest date of a paper in the footer, oldest first', () => {
		const embed = paperEmbed(paper({ date: '2024-12-10', dates: ['2024-12-10', '2024-12-09'] }));
		expect(embed.footer?.text).toBe('arXiv:2412.04887 · 2024-12-09, 2024-12-10');
	});

	it('keeps mentions as text in embeds (allowed_mentions stops the ping)', () => {
		const embed = paperEmbed(paper({ summary: [{ label: null, text: '@everyone <@123> <@&456>' }] }));
		expect(embed.description).toBe('• @everyone <@123> <@&456>');
	});

	it('starts a digest with a header and never pings', () => {
		const messages = digestMessages('2024-12-09', [paper(), paper({ id: '2412.04301' })]);
		expect(messages).toHaveLength(1);
		expect(messages[0]?.content).toBe('📰 **데일리 페이퍼 — 2024-12-09** (논문 2편)');
		expect(messages[0]?.allowed_mentions).toEqual({ parse: [] });
		expect(messages[0]?.embeds).toHaveLength(2);
		const en = digestMessages('2024-12-09', [paper()], { locale: 'en-US' });
		expect(en[0]?.content).toBe('📰 **Daily Papers — 2024-12-09** (1 paper)');
	});

	it('mentions the subscribed role in the first message only, and allows only that role', () => {
		const papers = Array.from({ length: 12 }, () => paper({ summary: [{ label: 'A', text: sentence.repeat(20) }] }));
		const messages = digestMessages('2024-12-09', papers, { roleId: '123456789012345678' });
		expect(messages.length).toBeGreaterThan(1);
		expect(messages[0]?.content?.startsWith('<@&123456789012345678> 📰')).toBe(true);
		expect(messages[0]?.allowed_mentions).toEqual({ parse: [], roles: ['123456789012345678'] });
		for (const m of messages.slice(1)) {
			expect(m.content).toBeUndefined();
			expect(m.allowed_mentions).toEqual({ parse: [] });
		}
	});

	it('rejects a role id that is not a snowflake instead of pinging something else', () => {
		expect(() => digestMessages('2024-12-09', [paper()], { roleId: 'everyone' })).toThrow(TypeError);
	});

	it('leaves the content out without a header, and posts nothing for an empty digest without one', () => {
		expect(digestMessages('2024-12-09', [paper()], { header: false })[0]).not.toHaveProperty('content');
		expect(digestMessages('2024-12-09', [], { header: false })).toEqual([]);
		expect(digestMessages('2024-12-09', [])).toEqual([
			{ content: '📰 **데일리 페이퍼 — 2024-12-09** (논문 0편)', embeds: [], allowed_mentions: { parse: [] } },
		]);
	});

	it('packs at most 10 embeds per message', () => {
		const small = paper({ summary: [], authors: [], title: 'T' });
		const messages = digestMessages(
			'2024-12-09',
			Array.from({ length: 25 }, () => small),
		);
		expect(messages.map((m) => m.embeds.length)).toEqual([10, 10, 5]);
	});

	it('packs greedily up to 6000 per message, keeping paper order', () => {
		const papers = Array.from({ length: 9 }, (_, i) => paper({ title: `Paper ${i}`, summary: [{ label: 'A', text: sentence.repeat(30) }] }));
		const messages = digestMessages('2024-12-09', papers);
		for (const m of messages) {
			expect(m.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(MESSAGE_EMBEDS_TOTAL_MAX);
		}
		expect(messages.map((m) => m.embeds.length)).toEqual([4, 4, 1]);
		expect(messages.flatMap((m) => m.embeds.map((e) => e.title))).toEqual(papers.map((p) => p.title));
	});

	it('renders the same bodies for the same input, without a nonce', () => {
		const papers = [paper(), paper({ votes: null })];
		const a = digestMessages('2024-12-09', papers, { roleId: '42' });
		const b = digestMessages('2024-12-09', structuredClone(papers), { roleId: '42' });
		expect(JSON.stringify(a)).toBe(JSON.stringify(b));
		expect(a[0]).not.toHaveProperty('nonce');
	});

	it('keeps field values within 1024 whatever the budget', () => {
		const authors = Array.from({ length: 2000 }, (_, i) => `N${i}`);
		const embed = paperEmbed(paper({ authors }), { maxLength: MESSAGE_EMBEDS_TOTAL_MAX });
		for (const f of embed.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(EMBED_FIELD_VALUE_MAX);
	});

	it('shows parsed bold and escapes as their words, with no literal asterisks or backslashes', () => {
		const md =
			'## Daily Papers (2024-08-15)\n\n### [Aquila2](https://arxiv.org/abs/2408.07410)\n\n- ***Technical Details***: 1. **Tokenizer**: BPE \\* 사용.\n';
		const summary = parseDigest(md, 'x.md').digest?.papers[0]?.summary ?? [];
		// The renderer escapes the plain `*` so Discord shows it, and nothing else is left to format.
		expect(summaryDescription(summary, 4096)).toBe('**기술적 세부 사항**: 1. Tokenizer: BPE \\* 사용.');
	});

	it("reads the three standard labels in the channel's language and keeps a digest's own label as written", () => {
		const summary = [
			{ label: 'What’s  new', text: 'a' },
			{ label: '기술적 세부 사항', text: 'b' },
			{ label: 'Limitations', text: 'c' },
			{ label: '고찰', text: 'd' },
		];
		expect(summaryDescription(summary, 4096, 'ko')).toBe('**새로운 점**: a\n**기술적 세부 사항**: b\n**Limitations**: c\n**고찰**: d');
		expect(summaryDescription(summary, 4096, 'en-US')).toBe("**What's New**: a\n**Technical Details**: b\n**Limitations**: c\n**고찰**: d");
		const embed = paperEmbed(paper(), { locale: 'en-US' });
		expect(embed.description?.startsWith("**What's New**: ")).toBe(true);
		expect(embed.fields?.map((f) => f.name)).toEqual(['Authors', 'Votes', 'Links']);
		expect(paperEmbed(paper()).fields?.map((f) => f.name)).toEqual(['저자', '추천', '링크']);
	});
});
