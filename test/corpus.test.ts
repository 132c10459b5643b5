import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive/archive.ts';
import { loadArchive } from '../src/archive/load.ts';
import { normalise } from '../src/archive/tokens.ts';
import { parseArxivId } from '../src/digest/arxiv.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { parseCsv } from './helpers/csv.ts';
import { markdownFiles } from './helpers/markdown-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../../shared/corpus/daily_papers_ko');
const LOGS = path.join(ROOT, 'paper_logs');
const present = existsSync(path.join(LOGS, 'papers_list.csv'));
if (!present) console.warn(`corpus tests skipped: ${ROOT} is absent (CI has it; see ../shared/corpus/SOURCES.md)`);

// Dates whose CSV lists rows the day's file lacks (the source index kept papers its file dropped).
// Pinned here so a new discrepancy fails the test; neither id appears anywhere in its day's file.
const KNOWN_EXTRA_ROWS: Record<string, string[]> = {
	'2023-12-12': ['2312.06550'],
	'2024-04-19': ['2404.11565', '2404.11912', '2404.12195', '2404.12241', '2404.12253', '2404.12318', '2404.12347', '2404.12387', '2404.12390'],
};

describe.skipIf(!present)('corpus: daily_papers_ko', () => {
	const csv = present
		? parseCsv(readFileSync(path.join(LOGS, 'papers_list.csv'), 'utf8'))
				.slice(1)
				.filter((r) => r.length >= 3)
		: [];
	const byDate = new Map<string, Set<string>>();
	for (const r of csv) {
		const id = parseArxivId(r[r.length - 1] ?? '');
		if (!id) throw new Error(`papers_list.csv row without an arXiv url: ${r.join(',')}`);
		const set = byDate.get(r[0] ?? '') ?? new Set();
		set.add(id);
		byDate.set(r[0] ?? '', set);
	}
	const files = present ? markdownFiles(LOGS).sort() : [];
	let loaded: Promise<Archive> | null = null;
	const archive = () => (loaded ??= loadArchive(ROOT));

	it('has the 61 daily files SOURCES.md promises', () => {
		expect(files).toHaveLength(61);
	});

	it.each(files.map((f) => [path.relative(LOGS, f), f]))('%s: heading ids equal the CSV rows of its date', (_rel, file) => {
		const r = parseDigest(readFileSync(file, 'utf8'), file);
		expect(r.digest).not.toBeNull();
		const date = r.digest?.date ?? '';
		expect(file.replace(/\\/g, '/')).toContain(date.replace(/-/g, '/'));
		const ids = new Set(r.digest?.papers.map((p) => p.id));
		const rows = byDate.get(date) ?? new Set<string>();
		const headingIds = new Set([...readFileSync(file, 'utf8').matchAll(/^### \[.*\]\((https?:\/\/[^)\s]+)\)\s*$/gm)].map((m) => parseArxivId(m[1] ?? '')));
		// Every `###` heading of the file is read, and nothing else.
		expect(ids).toEqual(headingIds);
		for (const id of ids) expect(rows.has(id), `${id} on ${date} is not in papers_list.csv`).toBe(true);
		const extra = [...rows].filter((id) => !ids.has(id)).sort();
		expect(extra).toEqual(KNOWN_EXTRA_ROWS[date] ?? []);
		for (const id of extra) expect(readFileSync(file, 'utf8')).not.toContain(id);
		expect(r.problems.filter((p) => p.level === 'error')).toEqual([]);
	});

	it.each(['4d534f9faa9bfd4ec7fc2faeab581e2d253a4311', 'a64f4192459257226406b3e0095ca31b2c60ce5c', 'b97235f2e03740b36cd2c65ed7a0948f2f8fd403'])(
		'README %s: the embedded digest is found and the other sections ignored',
		(commit) => {
			const file = path.join(ROOT, 'README_versions', commit, 'README.md');
			const text = readFileSync(file, 'utf8');
			const r = parseDigest(text, file);
			const headings = text.split('\n').filter((l) => l.startsWith('### [')).length;
			expect(r.digest?.papers).toHaveLength(headings);
			expect(r.problems.filter((p) => p.level === 'error')).toEqual([]);
		},
	);

	it('reads the eras: labels, votes, authors lists, relative thumbnails', () => {
		const read = (rel: string) => parseDigest(readFileSync(path.join(LOGS, rel), 'utf8'), rel).digest?.papers ?? [];
		const first = read('2023/11/20.md');
		expect(first.every((p) => p.votes === null && p.authors.length === 0 && p.summary.every((s) => s.label === null))).toBe(true);
		expect(read('2024/07/10.md')[0]?.summary.map((s) => s.label)).toEqual(["What's New", 'Technical Details', 'Performance Highlights']);
		expect(read('2024/10/25.md')[0]?.authors).toEqual(['Brando Miranda', 'Leni Aniva', 'Sanmi Koyejo', 'Chuyue Sun', 'Clark Barrett']);
		const all = files.flatMap((f) => read(path.relative(LOGS, f)));
		expect(all.every((p) => p.thumbnail === null || p.thumbnail.startsWith('https://'))).toBe(true);
		expect(all.some((p) => p.votes === null) && all.some((p) => p.votes === 0)).toBe(true);
	});

	it('search finds a short Latin word that a Korean particle follows ("금융 AI의")', async () => {
		const a = await archive();
		const ids = (q: string) => new Set(a.search(q, { limit: 5000 }).results.map((p) => p.id));
		expect(ids('AI').has('2408.11878')).toBe(true);
		// Every paper whose text has "AI" right before a Hangul syllable is found by "AI".
		const found = ids('AI');
		const particle = /(?<![\p{L}\p{N}])ai(?=\p{Script=Hangul})/u;
		const withParticle = a
			.dates()
			.flatMap((d) => a.digest(d)?.papers ?? [])
			.filter((p) => particle.test(normalise(`${p.title}\n${p.summary.map((s) => s.text).join('\n')}`)));
		expect(withParticle.length).toBeGreaterThan(5);
		expect(withParticle.filter((p) => !found.has(p.id)).map((p) => p.id)).toEqual([]);
		expect(ids('o1').has('2502.10454')).toBe(true);
		expect(ids('3D').has('2505.04620')).toBe(true);
	});

	it('top for a day shows each paper as that day listed it, even when it reappeared later', async () => {
		const a = await archive();
		let repeated = 0;
		for (const date of a.dates()) {
			const listed = new Map((a.digest(date)?.papers ?? []).map((p) => [p.id, p]));
			const top = a.top({ period: 'day', date, limit: 1000 });
			expect(top.map((p) => p.id).sort()).toEqual([...listed.keys()].sort());
			for (const p of top) {
				if (p.dates[0] !== date) repeated++;
				expect(p, `${p.id} on ${date}`).toEqual(listed.get(p.id));
			}
		}
		expect(repeated).toBeGreaterThan(0);
	});

	it('2023/11/21.md: the inline <video> line of 2311.10982 is not a summary bullet', () => {
		const r = parseDigest(readFileSync(path.join(LOGS, '2023/11/21.md'), 'utf8'), '2023/11/21.md');
		const p = r.digest?.papers.find((x) => x.id === '2311.10982');
		expect(p?.summary[0]?.text).toMatch(/^본 논문은/);
		const all = files.flatMap((f) => parseDigest(readFileSync(f, 'utf8'), f).digest?.papers ?? []);
		expect(all.flatMap((x) => x.summary).filter((s) => /^\s*</.test(s.text))).toEqual([]);
	});

	it('summaries are plain text: 2408.07410 has no literal ** and the corpus no markdown emphasis', async () => {
		const a = await archive();
		const tech = a.paper('2408.07410')?.summary.find((s) => s.label === 'Technical Details')?.text ?? '';
		expect(tech).toContain('1. Tokenizer: ');
		const texts = a.dates().flatMap((d) => (a.digest(d)?.papers ?? []).flatMap((p) => p.summary.map((s) => `${s.label ?? ''} ${s.text}`)));
		expect(texts.filter((t) => /\*\*[^*\s][^*]*\*\*/.test(t))).toEqual([]);
	});
});
