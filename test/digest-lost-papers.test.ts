import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest/parse.ts';
import type { ParseResult } from '../src/digest/schema.ts';

const id = (n: number) => `2412.${String(10000 + n)}`;

/** A paper in the daily-papers layout, after `heading` (its `###` line as the case writes it). */
function paper(n: number, heading = (h: string) => h): string {
	return [heading(`### [Paper ${n}](https://arxiv.org/abs/${id(n)})`), '', `Vote: ${n}`, '', `- ***What's New***: finding ${n}.`, ''].join('\n');
}

interface Case {
	name: string;
	/** Paper `n` as the case plants it: with what comes before it, and its heading mangled. */
	plant: (n: number) => string;
	/** The intent is plain: the paper is read, with a warning. Otherwise it is named in an error on its heading's line. */
	read: boolean;
}

const CASES: Case[] = [
	{ name: 'an unclosed ``` fence', plant: (n) => `\`\`\`python\nprint(${n})\n\n${paper(n)}`, read: true },
	{ name: 'an unclosed ~~~ fence', plant: (n) => `~~~\ncode ${n}\n\n${paper(n)}`, read: true },
	{ name: 'an unclosed <!-- comment', plant: (n) => `<!-- draft ${n}\n\n${paper(n)}`, read: true },
	{ name: 'a NUL before ###', plant: (n) => paper(n, (h) => `\0${h}`), read: true },
	{ name: 'a zero-width space before ###', plant: (n) => paper(n, (h) => `\u200B${h}`), read: true },
	{ name: 'a BOM in mid-file before ###', plant: (n) => paper(n, (h) => `\uFEFF${h}`), read: true },
	{ name: 'a vertical tab before ###', plant: (n) => paper(n, (h) => `\v${h}`), read: true },
	{ name: 'a form feed before ###', plant: (n) => paper(n, (h) => `\f${h}`), read: true },
	{ name: '###Title without a space', plant: (n) => paper(n, (h) => h.replace('### ', '###')), read: true },
	{ name: '<details> with no blank line before the heading', plant: (n) => `<details>\n<summary>More ${n}</summary>\n${paper(n)}`, read: true },
	{ name: 'a #### paper heading', plant: (n) => paper(n, (h) => `#${h}`), read: false },
	{ name: 'a heading indented four spaces', plant: (n) => paper(n, (h) => `    ${h}`), read: false },
	{ name: 'a heading inside a blockquote', plant: (n) => paper(n, (h) => `> ${h}`), read: false },
	{ name: 'a heading inside a list item', plant: (n) => paper(n, (h) => `- ${h}`), read: false },
];

function digest(parts: readonly string[]): string {
	return ['## Daily Papers (2024-12-09)', '', ...parts].join('\n');
}

function readIds(r: ParseResult): Set<string> {
	return new Set(r.digest?.papers.map((p) => p.id));
}

/** Every paper is read, or a problem names it: none is dropped in silence. */
function accounted(r: ParseResult, ids: readonly string[]): string[] {
	const read = readIds(r);
	return ids.filter((i) => !read.has(i) && !r.problems.some((p) => p.message.includes(i)));
}

describe('no paper is dropped in silence', () => {
	it.each(CASES)('$name between two good papers', ({ plant, read }) => {
		const text = digest([paper(1), plant(2), paper(3)]);
		const r = parseDigest(text, 'f.md');
		const ids = readIds(r);
		expect(ids.has(id(1)) && ids.has(id(3))).toBe(true);
		if (read) {
			expect(ids.has(id(2))).toBe(true);
			expect(r.problems.filter((p) => p.level === 'warning').length).toBeGreaterThan(0);
			expect(r.problems.filter((p) => p.level === 'error')).toEqual([]);
		} else {
			const line = text.split('\n').findIndex((l) => l.includes(id(2))) + 1;
			expect(ids.has(id(2))).toBe(false);
			expect(r.problems).toContainEqual(expect.objectContaining({ line, level: 'error', message: expect.stringContaining(`paper ${id(2)} is not read`) }));
		}
	});

	it('reads the papers after an unclosed fence where they are, and warns at the fence', () => {
		const text = digest([paper(1), '```', 'left open', '', paper(2), paper(3)]);
		const r = parseDigest(text, 'f.md');
		expect(r.digest?.papers.map((p) => [p.id, p.line])).toEqual([
			[id(1), 3],
			[id(2), 12],
			[id(3), 18],
		]);
		expect(r.problems).toEqual([expect.objectContaining({ line: 9, level: 'warning', message: expect.stringContaining('never closed') })]);
	});

	it('says why a closed comment hides a paper, as a warning', () => {
		const r = parseDigest(digest([paper(1), `<!--\n${paper(2)}\n-->\n`, paper(3)]), 'f.md');
		expect(readIds(r).has(id(2))).toBe(false);
		expect(r.problems).toEqual([
			expect.objectContaining({ level: 'warning', message: expect.stringContaining(`paper ${id(2)} is not read: it is commented out`) }),
		]);
	});

	it('holds for any mix of the cases planted among good papers: each is read or named', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(CASES.length - 1)), { minLength: 1, maxLength: 12 }), (picks) => {
				const parts = picks.map((k, i) => (k < 0 ? paper(i) : (CASES[k] as Case).plant(i)));
				const r = parseDigest(digest(parts), 'f.md');
				// A later fence can close an earlier one left open, and what lies between is code: named, not read.
				expect(
					accounted(
						r,
						picks.map((_, i) => id(i)),
					),
				).toEqual([]);
			}),
			{ numRuns: 300 },
		);
	});
});

describe('no paper is dropped in silence from a blog post', () => {
	const item = (n: number, lead = '') =>
		[
			`${lead}${n}. **Paper ${n}** - 👍 ${n}`,
			`${lead}   - [HF 페이지](https://huggingface.co/papers/${id(n)})`,
			`${lead}   - Abstract: finding ${n}.`,
			'',
		].join('\n');
	const post = (parts: readonly string[]) => ['# Hugging Face Daily Papers - 2025-11-03', '', ...parts].join('\n');

	it.each([
		['an unclosed fence', (n: number) => `\`\`\`\nx\n\n${item(n)}`, true],
		['an unclosed comment', (n: number) => `<!--\n\n${item(n)}`, true],
		['a zero-width space before the number', (n: number) => `\u200B${item(n)}`, true],
		['an item inside a blockquote', (n: number) => item(n, '> '), false],
	] as const)('%s between two good items', (_name, plant, read) => {
		const r = parseDigest(post([item(1), plant(2), item(3)]), 'p.md');
		const ids = readIds(r);
		expect(ids.has(id(1)) && ids.has(id(3))).toBe(true);
		expect(accounted(r, [id(2)])).toEqual([]);
		expect(ids.has(id(2))).toBe(read);
	});
});
