import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDigest, parseDigestFast, parseDigestFull } from '../src/digest/parse.ts';
import { markdownFiles } from './helpers/markdown-files.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`fast-path corpus test skipped: ${CORPUS} is absent (see ../shared/corpus/SOURCES.md)`);

/** Fast and full answers for one file; equal means equal to the last key and its order. */
function both(file: string) {
	const text = readFileSync(file, 'utf8');
	const name = path.relative(CORPUS, file);
	return { name, text, fast: parseDigestFast(text, name), full: parseDigestFull(text, name), auto: parseDigest(text, name) };
}

function expectSame(r: ReturnType<typeof both>): void {
	expect(r.auto, r.name).toStrictEqual(r.full);
	if (r.fast === null) return;
	expect(r.fast, r.name).toStrictEqual(r.full);
	expect(JSON.stringify(r.fast), r.name).toBe(JSON.stringify(r.full));
}

describe('digest: the fast path, over the project’s own examples', () => {
	const own = [...markdownFiles(path.resolve(import.meta.dirname, '../data')), ...markdownFiles(path.join(import.meta.dirname, 'fixtures'))];

	it('answers what the full parser answers, and reads the shipped examples itself', () => {
		const results = own.map(both);
		for (const r of results) expectSame(r);
		const data = results.filter((r) => r.name.includes(`${path.sep}data${path.sep}`));
		expect(data.length).toBeGreaterThan(0);
		expect(data.every((r) => r.fast !== null)).toBe(true);
	});
});

describe.skipIf(!present)('digest: the fast path, over every corpus file', () => {
	const files = present ? markdownFiles(CORPUS) : [];
	const results = files.map(both);

	it('answers exactly what the full parser answers: digest, papers, lines and problems', () => {
		expect(results.length).toBeGreaterThan(100);
		for (const r of results) expectSame(r);
	});

	it('reads the canonical files itself rather than handing them to the full parser', () => {
		const took = (rs: typeof results) => rs.filter((r) => r.fast !== null).length;
		// The blog posts are written by one job in one shape: every one is canonical.
		const posts = results.filter((r) => r.name.startsWith('hf_daily_papers_lim4349'));
		// The daily files' shape settled after the video era (to 2024-02): later files are canonical but for their edge cases.
		const settled = results.filter((r) => /paper_logs[\\/](?:2024[\\/](?:0[3-9]|1\d)|2025)/.test(r.name));
		console.info(
			`fast path took ${took(results)} of ${results.length} corpus files: ${took(posts)} of ${posts.length} blog posts, ${took(settled)} of ${settled.length} settled daily files`,
		);
		expect(posts.length).toBeGreaterThan(40);
		expect(took(posts)).toBe(posts.length);
		expect(settled.length).toBeGreaterThan(30);
		expect(took(settled) / settled.length).toBeGreaterThanOrEqual(0.8);
		// Files that are no digest at all, or hold one among other sections, are the full parser's.
		for (const r of results.filter((x) => /SOURCES\.md$|README\.md$/.test(x.name))) expect(r.fast, r.name).toBeNull();
	});

	it('reads a canonical file the same whichever way its lines end or however it starts', () => {
		const canonical = results.filter((r) => r.fast !== null).slice(0, 20);
		for (const r of canonical) {
			for (const variant of [`\uFEFF${r.text}`, r.text.replace(/\n/g, '\r\n'), r.text.replace(/\n/g, '\r'), r.text.trimEnd()]) {
				const fast = parseDigestFast(variant, r.name);
				expect(fast, r.name).not.toBeNull();
				expect(fast, r.name).toStrictEqual(parseDigestFull(variant, r.name));
			}
		}
	});
});
