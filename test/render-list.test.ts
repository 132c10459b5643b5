import { describe, expect, it } from 'vitest';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { embedLength } from '../src/render/embed.ts';
import { paperListEmbed } from '../src/render/list.ts';
import { paper as fixture } from './helpers/papers.ts';

// A list shows titles: a short one keeps the expected lines readable.
const paper = (overrides: Partial<ArchivedPaper> = {}): ArchivedPaper => fixture({ title: 'Momentum-GS', votes: 12, ...overrides });

describe('render/list', () => {
	it('renders one ranked line per paper: rank, linked title, votes, date', () => {
		const embed = paperListEmbed({
			title: 'Top papers — week',
			papers: [paper(), paper({ title: 'SwiftEdit', url: 'https://arxiv.org/abs/2412.04301', votes: null, date: '2024-12-10' })],
			startRank: 11,
			footer: 'Page 2/3',
		});
		expect(embed.title).toBe('Top papers — week');
		expect(embed.description).toBe(
			'**11.** [Momentum-GS](https://arxiv.org/abs/2412.04887) · ▲ 12 · 2024-12-09\n' + '**12.** [SwiftEdit](https://arxiv.org/abs/2412.04301) · 2024-12-10',
		);
		expect(embed.footer).toEqual({ text: 'Page 2/3' });
	});

	it('escapes brackets in titles and parentheses in link targets so the link holds', () => {
		const embed = paperListEmbed({
			title: 't',
			papers: [paper({ title: '[CLS] is all (you) need', url: 'https://example.org/a(b)' })],
			startRank: 1,
		});
		expect(embed.description).toBe('**1.** [\\[CLS\\] is all (you) need](https://example.org/a%28b%29) · ▲ 12 · 2024-12-09');
	});

	it('shortens titles so 25 long-titled papers fit in 4096', () => {
		const papers = Array.from({ length: 25 }, (_, i) => paper({ title: `Paper ${i} ${'word '.repeat(300)}` }));
		const embed = paperListEmbed({ title: 't', papers, startRank: 1 });
		const lines = embed.description?.split('\n') ?? [];
		expect(lines).toHaveLength(25);
		expect(embed.description?.length).toBeLessThanOrEqual(4096);
		expect(lines[24]?.startsWith('**25.** [Paper 24 word')).toBe(true);
	});

	it('ends an overlong page with a count of the papers left out', () => {
		const papers = Array.from({ length: 400 }, () => paper({ title: 'x'.repeat(50) }));
		const embed = paperListEmbed({ title: 't', papers, startRank: 1, locale: 'en-US' });
		const lines = embed.description?.split('\n') ?? [];
		expect(embed.description?.length).toBeLessThanOrEqual(4096);
		const shown = lines.length - 1;
		expect(lines.at(-1)).toBe(`… and ${400 - shown} more`);
	});

	it('says so when there are no papers', () => {
		expect(paperListEmbed({ title: 't', papers: [], startRank: 1 }).description).toBe('논문이 없습니다.');
		expect(paperListEmbed({ title: 't', papers: [], startRank: 1, empty: 'Nothing.' }).description).toBe('Nothing.');
	});

	it('keeps title, description and footer within 6000 together', () => {
		const papers = Array.from({ length: 25 }, () => paper({ title: 'y'.repeat(400) }));
		const embed = paperListEmbed({ title: 'T'.repeat(1000), papers, startRank: 1, footer: 'F'.repeat(5000) });
		expect(embed.title?.length).toBeLessThanOrEqual(256);
		expect(embed.footer?.text.length).toBeLessThanOrEqual(2048);
		expect(embedLength(embed)).toBeLessThanOrEqual(6000);
	});
});
