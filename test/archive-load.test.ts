import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader, inOrder, listDigestFiles, loadArchive } from '../src/archive/load.ts';
import { createLogger } from '../src/log.ts';

const day = (date: string, id: string, votes = 1) =>
	`## Daily Papers (${date})\n\n### [Paper ${id}](https://arxiv.org/abs/${id})\n\nVote: ${votes}\n\n- ***What's New***: text\n`;

describe('archive/load', () => {
	let dir: string;
	let now: number;
	const write = async (rel: string, text: string, ageMs = 60_000) => {
		const file = path.join(dir, rel);
		await mkdir(path.dirname(file), { recursive: true });
		await writeFile(file, text);
		const t = (now - ageMs) / 1000;
		await utimes(file, t, t);
	};

	beforeEach(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-load-'));
		now = Date.now();
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('runs a few reads at a time and hands results back in the order of the items', async () => {
		let running = 0;
		let most = 0;
		const task = async (n: number) => {
			running += 1;
			most = Math.max(most, running);
			await new Promise((r) => setTimeout(r, (7 - n) % 4));
			running -= 1;
			return n * 10;
		};
		const out: [number, number][] = [];
		for await (const pair of inOrder([1, 2, 3, 4, 5, 6, 7], 3, task)) out.push(pair);
		expect(out).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, n * 10]));
		expect(most).toBe(3);
	});

	it('loads more files than it reads ahead, each once, and reports every new date', async () => {
		for (let d = 1; d <= 20; d++)
			await write(`2024/12/${String(d).padStart(2, '0')}.md`, day(`2024-12-${String(d).padStart(2, '0')}`, `2412.${String(d).padStart(5, '0')}`));
		const archive = new Archive();
		const scan = await new ArchiveLoader({ dir, archive, now: () => now }).loadAll();
		expect(scan.added).toHaveLength(20);
		expect(scan.dates).toHaveLength(20);
		expect(archive.stats()).toEqual({ files: 20, digests: 20, papers: 20 });
	});

	it('lists .md and .txt files recursively, sorted, ignoring other files', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		await write('2024/12/10.txt', day('2024-12-10', '2412.00002'));
		await write('papers_list.csv', 'date,title,url\n');
		await write('2024/img.png', 'x');
		await write('README.md', '# hi');
		expect(await listDigestFiles(dir)).toEqual(['2024/12/09.md', '2024/12/10.txt', 'README.md']);
	});

	it('re-reads only added or changed files and reports the dates they changed', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		await write('2024/12/10.md', day('2024-12-10', '2412.00002'));
		const archive = new Archive();
		const loader = new ArchiveLoader({ dir, archive, now: () => now });
		expect(await loader.scan()).toEqual({ added: ['2024/12/09.md', '2024/12/10.md'], changed: [], removed: [], dates: ['2024-12-09', '2024-12-10'] });
		expect(await loader.scan()).toEqual({ added: [], changed: [], removed: [], dates: [] });

		await write('2024/12/10.md', day('2024-12-10', '2412.00002', 50), 30_000);
		await write('2024/12/11.md', day('2024-12-11', '2412.00003'));
		const second = await loader.scan();
		expect(second).toEqual({ added: ['2024/12/11.md'], changed: ['2024/12/10.md'], removed: [], dates: ['2024-12-10', '2024-12-11'] });
		expect(archive.paper('2412.00002')?.votes).toBe(50);
	});

	it('does not report a date when a rewrite leaves its digest the same', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		const loader = new ArchiveLoader({ dir, archive: new Archive(), now: () => now });
		await loader.scan();
		await write('2024/12/09.md', `${day('2024-12-09', '2412.00001')}\n\n`, 30_000);
		expect(await loader.scan()).toMatchObject({ changed: ['2024/12/09.md'], dates: [] });
	});

	it('reports the days a file left and joined, but not a day it left empty', async () => {
		await write('a.md', day('2024-12-09', '2412.00001'));
		await write('b.md', `${day('2024-12-09', '2412.00002')}\n### [Paper 2412.00003](https://arxiv.org/abs/2412.00003)\n\n- text\n`);
		const loader = new ArchiveLoader({ dir, archive: new Archive(), now: () => now });
		await loader.scan();
		await write('b.md', day('2024-12-10', '2412.00002'), 30_000);
		expect(await loader.scan()).toMatchObject({ changed: ['b.md'], dates: ['2024-12-09', '2024-12-10'] });
		await write('a.md', day('2024-12-11', '2412.00001'), 20_000);
		expect(await loader.scan()).toMatchObject({ changed: ['a.md'], dates: ['2024-12-11'] });
	});

	it('waits for a file that is still being written', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'), 500);
		const archive = new Archive();
		const loader = new ArchiveLoader({ dir, archive, now: () => now, settleMs: 2000 });
		expect((await loader.scan()).added).toEqual([]);
		expect(archive.stats().files).toBe(0);
		now += 5000;
		expect((await loader.scan()).added).toEqual(['2024/12/09.md']);
	});

	it('with no settle time reads a file written in the same millisecond as the scan', async () => {
		// File times carry fractions of a millisecond; the scan's clock does not. A file stamped
		// 0.7 ms after the scan's `now` was written before it, and must not wait for the next scan.
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'), -0.7);
		const archive = new Archive();
		const loader = new ArchiveLoader({ dir, archive, now: () => now, settleMs: 0 });
		expect((await loader.scan()).added).toEqual(['2024/12/09.md']);
		expect(archive.digest('2024-12-09')?.papers).toHaveLength(1);
	});

	it('runs one scan at a time, so concurrent scans never read a file twice', async () => {
		for (let i = 0; i < 40; i++) await write(`2024/12/${String(i).padStart(2, '0')}.md`, day('2024-12-09', `2412.${String(i).padStart(5, '0')}`));
		const archive = new Archive();
		let reads = 0;
		const setFile = archive.setFile.bind(archive);
		archive.setFile = (...args) => {
			reads += 1;
			return setFile(...args);
		};
		const loader = new ArchiveLoader({ dir, archive, now: () => now, settleMs: 0 });
		const [a, b] = await Promise.all([loader.scan(), loader.scan()]);
		expect(reads).toBe(40);
		expect(a.added.length + b.added.length).toBe(40);
	});

	it('forgets removed files', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		const archive = new Archive();
		const loader = new ArchiveLoader({ dir, archive, now: () => now });
		await loader.loadAll();
		await rm(path.join(dir, '2024/12/09.md'));
		expect((await loader.scan()).removed).toEqual(['2024/12/09.md']);
		expect(archive.paper('2412.00001')).toBeUndefined();
	});

	it('loads everything at start-up, fresh files included', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'), 0);
		const archive = await loadArchive(dir);
		expect(archive.stats()).toEqual({ files: 1, digests: 1, papers: 1 });
	});

	it('summarises a scan in one short line and logs what check calls a warning at warn', async () => {
		for (let d = 1; d <= 40; d++)
			await write(
				`2024/01/${String(d % 28 || 28).padStart(2, '0')}-${d}.md`,
				day(`2024-01-${String((d % 28) + 1).padStart(2, '0')}`, `2401.${String(d).padStart(5, '0')}`),
			);
		// A second date heading: the producer's mistake, and papers may be missing from what members see.
		await write('2024/02/01.md', `${day('2024-02-01', '2402.00001')}\n${day('2024-02-02', '2402.00002')}`);
		const lines: string[] = [];
		const loader = new ArchiveLoader({ dir, archive: new Archive(), settleMs: 0, logger: createLogger('debug', (l) => lines.push(l)) });
		await loader.loadAll();
		const updated = lines.find((l) => l.includes('digest archive updated')) ?? '';
		expect(updated.length).toBeLessThan(600);
		const fields = JSON.parse(updated) as Record<string, unknown>;
		expect(fields).toMatchObject({ added: 41, firstDate: '2024-01-01', lastDate: '2024-02-01' });
		expect(fields['addedFiles']).toHaveLength(6);
		const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['file'] === '2024/02/01.md');
		expect(warning?.['level']).toBe('warn');
		expect(warning?.['line']).toBeGreaterThan(0);
	});
});
