import { describe, expect, it } from 'vitest';
import { cleanAffiliation } from '../src/digest/affiliation.ts';
import { blogPost } from '../src/digest/blog-post.ts';
import { blocks } from '../src/digest/markdown.ts';
import { blankFrontMatter, chooseFormat, parseDigest } from '../src/digest/parse.ts';
import { summaryLabel } from '../src/i18n.ts';

interface Item {
	title: string;
	votes?: number | string;
	affiliation?: string;
	hf?: string;
	arxiv?: string;
	abstract?: string;
}

/** A post in the blog's layout, with its front matter dated the next morning as the source's are. */
function post(date: string, items: readonly Item[], stated = items.length): string {
	const lines = [
		'---',
		`title: Hugging Face Daily Papers - ${date}`,
		`date: ${date.replace(/\d\d$/, (d) => String(Number(d) + 1).padStart(2, '0'))} 09:15:00 +0900`,
		'author: someone',
		'---',
		'',
	];
	lines.push(`# Hugging Face Daily Papers - ${date}`, '', `총 **${stated}개**의 논문이 수집되었습니다.`, '', '## 📊 좋아요 순위', '');
	items.forEach((item, i) => {
		lines.push(`${i + 1}. **${item.title}**${item.votes === undefined ? '' : ` - 👍 ${item.votes}`}`);
		if (item.affiliation !== undefined) lines.push(`   - 기관: ${item.affiliation}`);
		if (item.hf) lines.push(`   - [HF 페이지](https://huggingface.co/papers/${item.hf})`);
		if (item.arxiv) lines.push(`   - [논문 링크](https://arxiv.org/abs/${item.arxiv})`);
		if (item.abstract !== undefined) lines.push(`   - Abstract: ${item.abstract}`);
		lines.push('');
	});
	return lines.join('\n');
}

const full = (n: number, extra: Partial<Item> = {}): Item => ({
	title: `Paper number ${n}`,
	votes: 10 + n,
	affiliation: 'Sea AI Lab',
	hf: `2510.2000${n}`,
	arxiv: `2510.2000${n}`,
	abstract: `We study thing ${n} and find that it works.`,
	...extra,
});

describe('digest/blog-post', () => {
	it('is chosen by what the file holds, whatever its name', () => {
		const text = post('2025-11-03', [full(1)]);
		expect(chooseFormat(blocks(blankFrontMatter(text))).name).toBe('blog-post');
		expect(chooseFormat(blocks('## Daily Papers (2024-12-09)\n')).name).toBe('daily-papers');
		expect(blogPost.claims(blocks('## Daily Papers (2024-12-09)\n'))).toBe(false);
		expect(parseDigest(text, 'notes/README.txt').digest?.papers).toHaveLength(1);
	});

	it('reads each item: title, votes, arXiv id, Hugging Face page, affiliation and the abstract', () => {
		const r = parseDigest(post('2025-11-03', [full(1), full(2)]), 'p.md');
		expect(r.problems).toEqual([]);
		expect(r.digest?.date).toBe('2025-11-03');
		expect(r.digest?.papers[0]).toEqual({
			id: '2510.20001',
			title: 'Paper number 1',
			url: 'https://arxiv.org/abs/2510.20001',
			votes: 11,
			authors: [],
			thumbnail: null,
			summary: [{ label: 'Abstract', text: 'We study thing 1 and find that it works.' }],
			affiliation: 'Sea AI Lab',
			pageUrl: 'https://huggingface.co/papers/2510.20001',
			line: 13,
		});
	});

	it('skips the front matter and dates the digest by its heading, not the publishing time', () => {
		const text = post('2025-11-03', [full(1)]);
		expect(text).toContain('date: 2025-11-04 09:15');
		expect(parseDigest(text, '2025-11-04-daily-papers.md').digest?.date).toBe('2025-11-03');
		// Line numbers count the front matter's lines.
		expect(parseDigest(text, 'p.md').digest?.papers[0]?.line).toBe(text.split('\n').indexOf('1. **Paper number 1** - 👍 11') + 1);
	});

	it('joins a title wrapped over two lines', () => {
		const text = post('2025-11-03', [full(1, { title: 'ThinkMorph: Emergent Properties in Multimodal Interleaved\n  Chain-of-Thought Reasoning' })]);
		expect(parseDigest(text, 'p.md').digest?.papers[0]?.title).toBe('ThinkMorph: Emergent Properties in Multimodal Interleaved Chain-of-Thought Reasoning');
	});

	it('reads the bullets of a two-digit item, which make a list of their own', () => {
		const items = Array.from({ length: 10 }, (_, i) => full(i, { hf: `2510.3000${i}`, arxiv: `2510.3000${i}`, affiliation: `Lab ${i}` }));
		const r = parseDigest(post('2025-11-03', items), 'p.md');
		const tenth = r.digest?.papers[9];
		expect(tenth).toMatchObject({ id: '2510.30009', affiliation: 'Lab 9', pageUrl: 'https://huggingface.co/papers/2510.30009' });
		expect(tenth?.summary).toHaveLength(1);
		expect(r.problems).toEqual([]);
	});

	it('takes the id from the Hugging Face page when the arXiv link is missing, and reads a paper missing other parts', () => {
		const r = parseDigest(post('2025-11-03', [{ title: 'Only a page', hf: '2510.20009' }]), 'p.md');
		expect(r.digest?.papers[0]).toMatchObject({ id: '2510.20009', votes: null, summary: [], pageUrl: 'https://huggingface.co/papers/2510.20009' });
		expect(r.digest?.papers[0]).not.toHaveProperty('affiliation');
	});

	it('skips an item that links no paper, with an error on its line', () => {
		const r = parseDigest(post('2025-11-03', [full(1), { title: 'Nowhere', votes: 3, abstract: 'x' }, full(3)]), 'p.md');
		expect(r.digest?.papers.map((p) => p.id)).toEqual(['2510.20001', '2510.20003']);
		expect(r.problems).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('"Nowhere" links no arXiv') }));
	});

	it('drops the counter glued onto an affiliation and reads an author count as none', () => {
		expect(cleanAffiliation('Google1362')).toBe('Google');
		expect(cleanAffiliation('NVIDIA8.77k')).toBe('NVIDIA');
		expect(cleanAffiliation('UC Berkeley1.83k2')).toBe('UC Berkeley');
		expect(cleanAffiliation('muset.ai51')).toBe('muset.ai');
		expect(cleanAffiliation('Shanghai Jiaotong University 1(NOT OFFICIAL)971')).toBe('Shanghai Jiaotong University 1(NOT OFFICIAL)');
		expect(cleanAffiliation('Sea AI Lab')).toBe('Sea AI Lab');
		expect(cleanAffiliation('Mistral AI_')).toBe('Mistral AI_');
		expect(cleanAffiliation('·8 authors')).toBeUndefined();
		expect(cleanAffiliation('·8 authors701')).toBeUndefined();
		expect(cleanAffiliation('  ')).toBeUndefined();
	});

	it('warns, naming the file, when the stated count differs from the papers read', () => {
		const r = parseDigest(post('2025-11-03', [full(1), full(2)], 3), 'posts/x.md');
		expect(r.digest?.papers).toHaveLength(2);
		expect(r.problems).toEqual([{ file: 'posts/x.md', line: 9, level: 'warning', message: 'the file says it holds 3 papers, but 2 were read from it' }]);
	});

	it('warns about a vote count it cannot read and keeps the paper', () => {
		const r = parseDigest(post('2025-11-03', [full(1, { votes: 'many' })]), 'p.md');
		expect(r.digest?.papers[0]?.votes).toBeNull();
		expect(r.problems).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('"👍 many" of paper 2510.20001') })]);
	});

	it('refuses a post whose heading is not a calendar date, or that lists no paper', () => {
		const bad = parseDigest(post('2025-13-40', [full(1)]), 'p.md');
		expect(bad.digest).toBeNull();
		expect(bad.problems).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('not a calendar date') })]);
		const empty = parseDigest(post('2025-11-03', [], 0), 'p.md');
		expect(empty.digest).toBeNull();
		expect(empty.problems).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('no paper could be read') })]);
	});

	it('labels the abstract as one in both languages', () => {
		expect(summaryLabel('en-US', 'Abstract')).toBe('Abstract');
		expect(summaryLabel('ko', 'Abstract')).toBe('초록');
	});
});
