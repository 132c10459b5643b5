import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest/parse.ts';
import { Digest, Problem } from '../src/digest/schema.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const eras = fixture('eras.md');

function paperOf(text: string, id: string) {
	const p = parseDigest(text, 'f.md').digest?.papers.find((x) => x.id === id);
	if (!p) throw new Error(`no paper ${id}`);
	return p;
}

describe('digest/parse', () => {
	it('takes the date from the digest heading, not the file name', () => {
		const r = parseDigest(eras, 'whatever.txt');
		expect(r.digest?.date).toBe('2024-03-05');
		expect(r.digest?.file).toBe('whatever.txt');
	});

	it('reads every good paper once, in file order, and skips the bad ones', () => {
		const r = parseDigest(eras, 'eras.md');
		expect(r.digest?.papers.map((p) => p.id)).toEqual(['2403.01001', '2403.01002', '2403.01003', 'hep-th/9901001', '2403.01005', '2403.01007']);
		expect(Digest.safeParse(r.digest).success).toBe(true);
	});

	it('reports a heading without a link and a non-arXiv link as errors with their lines', () => {
		const errors = parseDigest(eras, 'eras.md').problems.filter((p) => p.level === 'error');
		expect(errors.map((p) => [p.file, p.line])).toEqual([
			['eras.md', 47],
			['eras.md', 51],
		]);
		expect(errors[0]?.message).toMatch(/no link/);
		expect(errors[1]?.message).toMatch(/example\.com/);
	});

	it('counts a paper repeated under a repeated digest heading once, with a warning', () => {
		const r = parseDigest(eras, 'eras.md');
		expect(r.digest?.papers.filter((p) => p.id === '2403.01005')).toHaveLength(1);
		expect(r.problems).toContainEqual(expect.objectContaining({ line: 57, level: 'warning', message: expect.stringMatching(/already listed at line 38/) }));
	});

	it('keeps unlabelled bullets with a null label and TABs intact', () => {
		const p = paperOf(eras, '2403.01001');
		expect(p.summary).toEqual([
			{ label: null, text: '초기 형식의 요약은 라벨 없이 글머리표만 씁니다.' },
			{ label: null, text: '두 번째 글머리표에는\t탭 문자가 들어 있습니다.' },
		]);
		expect(p.votes).toBeNull();
		expect(p.authors).toEqual([]);
		expect(p.line).toBe(3);
	});

	it('reads a paper whose heading follows a bullet without a blank line, ignoring video links and HTML', () => {
		const p = paperOf(eras, '2403.01002');
		expect(p.line).toBe(7);
		expect(p.authors).toEqual(['Ana Souza', 'Ben Carter']);
		expect(p.thumbnail).toBeNull();
		expect(p.summary).toEqual([{ label: null, text: '비디오 링크와 HTML은 요약에 들어가지 않습니다.' }]);
	});

	it('leaves a line of only inline HTML tags out of the summary, and keeps tags inside text', () => {
		const text = [
			'## Daily Papers (2023-11-21)',
			'',
			'### [Make Pixels Dance](https://arxiv.org/abs/2311.10982)',
			'',
			"<video src='https://cdn.example/v.mp4'></video>",
			'',
			'Authors: Yan Zeng',
			'',
			'- 고동적 비디오 생성을 다룹니다.',
			'- <br/>',
			'- 새로운 토큰 <HYBNEXT>를 씁니다.',
			'',
		].join('\n');
		expect(paperOf(text, '2311.10982').summary).toEqual([
			{ label: null, text: '고동적 비디오 생성을 다룹니다.' },
			{ label: null, text: '새로운 토큰 <HYBNEXT>를 씁니다.' },
		]);
	});

	it('reads ** and malformed labels, unifies curly apostrophes, keeps extra labels and numbered lines', () => {
		const p = paperOf(eras, '2403.01003');
		expect(p.summary.map((s) => s.label)).toEqual(["What's New", 'Technical Details', 'Limitations']);
		expect(p.summary[1]?.text).toContain('\n1. Encoder: 첫 번째 구성 요소.\n2. Decoder');
		expect(p.votes).toBe(0);
	});

	it('hands over summary text and labels as plain text, inline markdown undone', () => {
		const text = [
			'## Daily Papers (2024-08-15)',
			'',
			'### [Aquila2](https://arxiv.org/abs/2408.07410)',
			'',
			'- ***`Technical` Details***: 1. **Tokenizer**: 10만 단어 \\* 크기, `co*de*`, ~~old~~ [BPE](https://x.org) 사용.',
			'',
			'Free row with *emphasis* and snake_case.',
			'',
		].join('\n');
		expect(paperOf(text, '2408.07410').summary).toEqual([
			{ label: 'Technical Details', text: '1. Tokenizer: 10만 단어 * 크기, co*de*, old BPE 사용.\nFree row with emphasis and snake_case.' },
		]);
	});

	it('reads authors written as a Python list, apostrophes included', () => {
		expect(paperOf(eras, '2403.01003').authors).toEqual(['Chloé Martin', "Dara O'Neil", 'Eun-ji Choi']);
	});

	it('resolves a relative thumbnail against huggingface.co and drops an SVG with a warning', () => {
		expect(paperOf(eras, '2403.01003').thumbnail).toBe('https://huggingface.co/avatars/0123456789abcdef.png');
		expect(paperOf(eras, 'hep-th/9901001').thumbnail).toBeNull();
		expect(parseDigest(eras, 'eras.md').problems).toContainEqual(expect.objectContaining({ line: 32, level: 'warning' }));
	});

	it('takes ids from pdf links with versions, Hugging Face links and old-style ids, with brackets in titles', () => {
		const p = paperOf(eras, 'hep-th/9901001');
		expect(p.title).toBe('Brackets [in] Titles: Old-Style Identifiers Still Count');
		expect(p.url).toBe('https://arxiv.org/abs/hep-th/9901001');
		expect(paperOf(eras, '2403.01003').url).toBe('https://arxiv.org/abs/2403.01003');
		expect(paperOf(eras, '2403.01005').votes).toBe(12);
	});

	it('reads the same papers and lines with CRLF endings and a BOM', () => {
		const plain = parseDigest(eras, 'f.md');
		const windows = parseDigest(`\uFEFF${eras.replace(/\n/g, '\r\n')}`, 'f.md');
		expect(windows).toEqual(plain);
	});

	it('finds a digest embedded in a README and ignores the other sections', () => {
		const r = parseDigest(fixture('readme.md'), 'README.md');
		expect(r.digest?.date).toBe('2024-04-02');
		expect(r.digest?.papers.map((p) => p.id)).toEqual(['2404.00111']);
		expect(r.problems).toEqual([]);
	});

	it('reads on past a setext heading inside a digest', () => {
		const text = [
			'## Daily Papers (2024-01-02)',
			'',
			'### [A](https://arxiv.org/abs/2401.00001)',
			'',
			'- 첫 번째 요약.',
			'',
			'Notes',
			'---',
			'',
			'### [B](https://arxiv.org/abs/2401.00002)',
			'',
			'- 두 번째 요약.',
			'',
		].join('\n');
		const r = parseDigest(text, 'x.md');
		expect(r.digest?.papers.map((p) => p.id)).toEqual(['2401.00001', '2401.00002']);
		expect(r.problems).toEqual([]);
	});

	it('ends a digest at a dateless ## heading and warns once when paper headings follow it', () => {
		const text = [
			'## Daily Papers (2024-01-02)',
			'',
			'### [A](https://arxiv.org/abs/2401.00001)',
			'',
			'- 요약.',
			'',
			'## Highlights',
			'',
			'### [B](https://arxiv.org/abs/2401.00002)',
			'',
			'### [C](https://arxiv.org/abs/2401.00003)',
			'',
			'## Contributing',
			'',
			'### How to help',
			'',
		].join('\n');
		const r = parseDigest(text, 'x.md');
		expect(r.digest?.papers.map((p) => p.id)).toEqual(['2401.00001']);
		expect(r.problems).toEqual([expect.objectContaining({ line: 9, level: 'warning', message: expect.stringMatching(/"Highlights" \(line 7\).*2024-01-02/) })]);
	});

	it('reports a file with no digest heading and returns no digest', () => {
		const r = parseDigest('# Notes\n\n### [A](https://arxiv.org/abs/2401.00001)\n', 'notes.md');
		expect(r.digest).toBeNull();
		expect(r.problems).toEqual([expect.objectContaining({ file: 'notes.md', level: 'error', message: expect.stringMatching(/no digest heading/) })]);
	});

	it('rejects a digest heading that is not a calendar date', () => {
		const r = parseDigest('## Daily Papers (2024-02-30)\n\n### [A](https://arxiv.org/abs/2401.00001)\n', 'x.md');
		expect(r.digest).toBeNull();
		expect(r.problems.some((p) => p.line === 1 && p.message.includes('2024-02-30'))).toBe(true);
	});

	it('reports a vote that is not a number and keeps the paper', () => {
		const r = parseDigest('## Daily Papers (2024-01-02)\n\n### [A](https://arxiv.org/abs/2401.00001)\n\nVote: many\n\n- text\n', 'x.md');
		expect(r.digest?.papers[0]?.votes).toBeNull();
		expect(r.problems).toEqual([expect.objectContaining({ line: 5, level: 'warning' })]);
	});

	describe('never throws', () => {
		const check = (text: string) => {
			const r = parseDigest(text, 'fuzz.md');
			for (const p of r.problems) expect(Problem.safeParse(p).success).toBe(true);
			if (r.digest) expect(Digest.safeParse(r.digest).success).toBe(true);
		};

		it('on random strings', () => {
			fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), check), { numRuns: 300 });
			fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: 300 });
		});

		it('on random bytes decoded as UTF-8', () => {
			fc.assert(
				fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(new TextDecoder().decode(bytes))),
				{ numRuns: 300 },
			);
		});

		it('on random markdown-ish lines', () => {
			const line = fc.oneof(
				fc.constantFrom(
					'## Daily Papers (2024-01-02)',
					'### [T](https://arxiv.org/abs/2401.00001)',
					'### [',
					'Vote: ',
					'Authors: [',
					'- ***',
					'- **x**:',
					'![](',
					'<div>',
					'```',
					'1) a',
					'\t',
					'\r',
					'',
				),
				fc.string({ maxLength: 30 }),
			);
			fc.assert(
				fc.property(fc.array(line, { maxLength: 40 }), (lines) => check(lines.join('\n'))),
				{ numRuns: 300 },
			);
		});

		it('on mutations of a real digest', () => {
			const corpus = path.join(import.meta.dirname, '../../shared/corpus/daily_papers_ko/paper_logs/2024/10/21.md');
			const base = existsSync(corpus) ? readFileSync(corpus, 'utf8').slice(0, 20_000) : eras;
			fc.assert(
				fc.property(fc.array(fc.tuple(fc.nat(base.length), fc.nat(40), fc.string({ maxLength: 8 })), { maxLength: 8 }), (edits) => {
					let text = base;
					for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
					check(text);
				}),
				{ numRuns: 150 },
			);
		});
	});
});
