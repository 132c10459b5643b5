import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchive } from '../src/archive/load.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { parseCsv } from './helpers/csv.ts';

const ROOT = path.resolve(import.meta.dirname, '../../shared/corpus/hf_daily_papers_lim4349');
const present = existsSync(path.join(ROOT, 'papers.csv'));
if (!present) console.warn(`corpus tests skipped: ${ROOT} is absent (CI has it; see ../shared/corpus/SOURCES.md)`);

interface Row {
	date: string;
	rank: number;
	id: string;
	votes: number;
	title: string;
}

describe.skipIf(!present)('corpus: hf_daily_papers_lim4349', () => {
	const byFile = new Map<string, Row[]>();
	if (present) {
		const [header, ...rows] = parseCsv(readFileSync(path.join(ROOT, 'papers.csv'), 'utf8')).filter((r) => r.length > 1);
		expect(header).toEqual(['file', 'date', 'rank', 'arxiv_id', 'votes', 'title']);
		for (const [file = '', date = '', rank = '', id = '', votes = '', title = ''] of rows) {
			byFile.set(file, [...(byFile.get(file) ?? []), { date, rank: Number(rank), id, votes: Number(votes), title }]);
		}
	}
	const files = [...byFile.keys()].sort();
	const read = (file: string) => parseDigest(readFileSync(path.join(ROOT, file), 'utf8'), file);

	it('has the 43 posts and five rewritten days SOURCES.md promises, 522 papers in all', () => {
		expect(files.filter((f) => f.startsWith('posts/'))).toHaveLength(43);
		expect(files.filter((f) => f.startsWith('rewrites/'))).toHaveLength(10);
		expect([...byFile.values()].flat()).toHaveLength(522);
	});

	it.each(files)('%s: ids, votes and titles equal the answer key, in its order, with no problem', (file) => {
		const r = read(file);
		const rows = (byFile.get(file) ?? []).sort((a, b) => a.rank - b.rank);
		expect(r.digest?.date).toBe(rows[0]?.date);
		expect(r.digest?.papers.map((p) => ({ id: p.id, votes: p.votes, title: p.title }))).toEqual(
			rows.map((row) => ({ id: row.id, votes: row.votes, title: row.title })),
		);
		expect(r.problems).toEqual([]);
		for (const p of r.digest?.papers ?? []) {
			expect(p.summary).toEqual([{ label: 'Abstract', text: expect.stringMatching(/^\S.{100,}\S$/) }]);
			expect(p.pageUrl).toBe(`https://huggingface.co/papers/${p.id}`);
			if (p.affiliation !== undefined) expect(p.affiliation).not.toMatch(/\d$|authors/);
		}
	});

	it('keeps the affiliation and drops the counter glued onto it; an author count is no affiliation', () => {
		const affiliations = (file: string) => new Map(read(file).digest?.papers.map((p) => [p.id, p.affiliation]));
		const day = affiliations('rewrites/2026-08-22-daily-papers.2-afternoon.md');
		expect([...day.values()]).toContain('Google');
		const march = affiliations('posts/2026-03-02-daily-papers.md');
		expect([...march.values()]).toContain('UC Berkeley');
		expect([...affiliations('posts/2026-05-18-daily-papers.md').values()]).toContain('Shanghai Jiaotong University 1(NOT OFFICIAL)');
		const first = affiliations('posts/2025-11-03-daily-papers-1762174155.md');
		expect(first.get('2510.26788')).toBe('Sea AI Lab');
		// `·8 authors`, and `·10 authors` under a `10.` item whose bullets form a list of their own.
		expect(first.get('2510.27492')).toBeUndefined();
		expect(first.get('2510.27623')).toBeUndefined();
		expect(first.has('2510.27623')).toBe(true);
	});

	it('takes the date from the heading, not the front matter or the file name', () => {
		const text = readFileSync(path.join(ROOT, 'posts/2025-11-03-daily-papers-1762174155.md'), 'utf8');
		const moved = text.replace('# Hugging Face Daily Papers - 2025-11-03', '# Hugging Face Daily Papers - 2025-11-02');
		expect(parseDigest(moved, 'posts/2025-11-03.md').digest?.date).toBe('2025-11-02');
	});

	it('loads as an archive: one digest per day, the afternoon rewrite merged with its morning', async () => {
		const archive = await loadArchive(ROOT);
		const dates = new Set([...byFile.values()].flat().map((r) => r.date));
		expect(archive.dates()).toHaveLength(dates.size);
		expect(archive.problems().filter((p) => p.level === 'error')).toEqual([]);
		expect(archive.digests()).toHaveLength(53);
	});
});
