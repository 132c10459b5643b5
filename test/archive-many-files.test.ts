import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader, listDigestFiles } from '../src/archive/load.ts';
import { ParserThread } from '../src/archive/parse-thread.ts';
import { readDigest, readDigestSync } from '../src/archive/read-digest.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { digestMarkdown, papersFor } from './helpers/digests.ts';

/** Everything a reader can ask the archive, in one value to compare. */
function contents(archive: Archive) {
	return {
		stats: archive.stats(),
		digests: archive.dates().map((d) => archive.digest(d)),
		problems: archive.problems(),
		top: archive.top({ period: 'all', limit: 1000 }),
		search: ['방법', 'paper', '학습'].map((q) => archive.search(q, { limit: 50 })),
		suggest: archive.suggest('Paper'),
	};
}

describe('archive/load: a scan of many new files', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-many-'));
		const write = async (rel: string, text: string) => {
			await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
			await writeFile(path.join(dir, rel), text);
		};
		const dateOf = (d: number) => new Date(Date.UTC(2024, 10, d)).toISOString().slice(0, 10);
		for (let d = 1; d <= 36; d++) {
			const papers = papersFor(dateOf(d), 3, (i) => i + d);
			// A paper seen again a few days later with more votes: its entry and rank move.
			if (d > 3) papers.push({ ...papersFor(dateOf(d - 3), 1)[0]!, votes: 100 + d });
			await write(`2024/${String(d).padStart(2, '0')}.md`, digestMarkdown(dateOf(d), papers));
		}
		// The same day in two files, a file with no digest, a digest of no paper, and a paper without a vote count.
		await write('extra/a-second-file.md', digestMarkdown('2024-11-05', [{ id: '2411.99001', title: 'Second file paper' }]));
		await write('extra/notes.md', 'Nothing here is a digest.\n');
		await write('extra/empty.md', '## Daily Papers (2024-12-20)\n');
		// A file big enough for the thread to read as it reads a big file anywhere, not encode (see OFF_THREAD_BYTES).
		await write('extra/big.md', digestMarkdown('2024-12-25', papersFor('2024-12-25', 800)));
		await write('extra/no-votes.md', digestMarkdown('2024-12-21', [{ id: '2412.99002', title: 'Unvoted' }]).replace('Vote: 1\n', ''));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it('reads them on the parser thread and indexes exactly what reading them here does', async () => {
		const encode = vi.spyOn(ParserThread.prototype, 'encode');
		const files = await listDigestFiles(dir);
		expect(files.length).toBeGreaterThanOrEqual(40);
		expect((await stat(path.join(dir, 'extra/big.md'))).size).toBeGreaterThan(256 * 1024);

		const loaded = new Archive();
		const scan = await new ArchiveLoader({ dir, archive: loaded }).loadAll();
		expect(encode).toHaveBeenCalledTimes(files.length);
		expect([...scan.added].sort()).toEqual([...files].sort());

		// The reference: each file parsed on this thread and given to the archive whole, in the listing's order.
		const here = new Archive();
		for (const file of files) here.setFile(file, parseDigest(await readFile(path.join(dir, file), 'utf8'), file));
		expect(contents(loaded)).toEqual(contents(here));
		expect(loaded.stats().papers).toBeGreaterThan(900);
		expect(loaded.digest('2024-12-25')?.papers).toHaveLength(800);

		// The thread stamped each file as it opened it: the next start reads none of them again.
		const again = await new ArchiveLoader({ dir, archive: loaded }).loadAll();
		expect(again).toMatchObject({ added: [], changed: [], removed: [] });
		expect(encode).toHaveBeenCalledTimes(files.length);
		loaded.close();
		here.close();
	}, 60_000);

	it('reads a few new files on this thread: a thread would take longer to start', async () => {
		const archive = new Archive();
		const loader = new ArchiveLoader({ dir, archive });
		await loader.loadAll();
		await writeFile(path.join(dir, 'extra/late.md'), digestMarkdown('2024-12-22', [{ id: '2412.99003', title: 'Late paper' }]));
		const encode = vi.spyOn(ParserThread.prototype, 'encode');
		const scan = await loader.loadAll();
		await rm(path.join(dir, 'extra/late.md'));
		expect(scan.added).toEqual(['extra/late.md']);
		expect(encode).not.toHaveBeenCalled();
		expect(archive.paper('2412.99003')?.title).toBe('Late paper');
		archive.close();
	}, 60_000);
});

describe('archive/read-digest: the blocking read the parser thread uses', () => {
	it('gives what the awaited read gives: a parse, a file too big, a file gone, a path that is no file', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-read-'));
		try {
			const file = path.join(dir, 'day.md');
			const text = digestMarkdown('2024-12-09', papersFor('2024-12-09', 2));
			await writeFile(file, text);
			const cases: [string, number][] = [
				[file, 1 << 20],
				[file, text.length - 10],
				[path.join(dir, 'gone.md'), 1 << 20],
				[dir, 1 << 20],
			];
			const strip = (r: Awaited<ReturnType<typeof readDigest>>) => ('parseMs' in r ? { ...r, parseMs: 0, stamp: undefined } : r);
			const kinds: string[] = [];
			for (const [real, max] of cases) {
				const sync = readDigestSync(real, 'day.md', max);
				kinds.push(sync.kind);
				expect(strip(sync)).toEqual(strip(await readDigest(real, 'day.md', max)));
			}
			expect(kinds).toEqual(['parsed', 'too-big', 'gone', 'unreadable']);
			// Stamped as it was opened, as the loader would have stamped it from a stat.
			const info = await stat(file);
			expect(readDigestSync(file, 'day.md', 1 << 20)).toMatchObject({ stamp: { size: info.size, mtimeMs: info.mtimeMs } });
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
