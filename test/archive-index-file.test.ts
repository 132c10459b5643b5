import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { indexPath, openArchiveIndex } from '../src/archive/index-file.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { createLogger } from '../src/log.ts';

const paper = (id: string, votes: number, title = `Paper ${id}`) =>
	`### [${title}](https://arxiv.org/abs/${id})\n\nVote: ${votes}\n\n- ***What's New***: 강화 학습으로 배우는 ${title}\n`;
const day = (date: string, papers: string[]) => `## Daily Papers (${date})\n\n${papers.join('\n')}`;

/** What a member can ask of an archive, as plain data: two archives that answer alike give equal answers. */
function answers(a: Archive) {
	const ids = (ps: { id: string }[]) => ps.map((p) => p.id);
	return {
		stats: a.stats(),
		dates: a.dates(),
		digests: a.dates().map((d) => a.digest(d)),
		top: a.top({ period: 'all', limit: 50 }),
		week: ids(a.top({ period: 'week', limit: 50 })),
		search: [a.search('강화학습', { limit: 50 }), a.search('paper 2412', { limit: 5, offset: 1 })],
		suggest: [ids(a.suggest('2412.000')), ids(a.suggest('paper 24'))],
		problems: a.problems(),
	};
}

describe('archive/index file: the archive kept beside the store', () => {
	let dir: string;
	let digests: string;
	let index: string;
	let logs: string[];
	const logger = () => createLogger('debug', (line) => logs.push(line));
	const write = async (rel: string, text: string, ageS = 60) => {
		const file = path.join(digests, rel);
		await mkdir(path.dirname(file), { recursive: true });
		await writeFile(file, text);
		const t = Date.now() / 1000 - ageS;
		await utimes(file, t, t);
	};
	const open = () => new Archive({ db: openArchiveIndex(index, digests, logger()) });
	const load = async (archive: Archive) => new ArchiveLoader({ dir: digests, archive, logger: logger() }).loadAll();

	beforeEach(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-index-'));
		digests = path.join(dir, 'digests');
		index = path.join(dir, 'var', 'paperboy.archive.sqlite');
		logs = [];
		for (let d = 1; d <= 9; d++) {
			await write(`2024/12/0${d}.md`, day(`2024-12-0${d}`, [paper(`2412.0000${d}`, d * 3), paper('2412.00010', 10 + d, 'Shared Paper')]));
		}
		await write('notes.md', '# not a digest\n');
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('after a restart reads no file again, and answers as the archive that read them all', async () => {
		const first = open();
		expect((await load(first)).added).toHaveLength(10);
		const before = answers(first);
		first.close();

		const again = open();
		const scan = await load(again);
		expect(scan).toMatchObject({ added: [], changed: [], removed: [], dates: [] });
		expect(answers(again)).toEqual(before);
		// And the same as an archive in memory that read every file.
		const fresh = new Archive();
		await load(fresh);
		expect(answers(fresh)).toEqual(before);
		again.close();
	});

	it('a full index loses no file: the error names it, the scan goes on, and the file is read again once there is room', async () => {
		const db = openArchiveIndex(index, digests, logger());
		const a = new Archive({ db });
		const loader = new ArchiveLoader({ dir: digests, archive: a, logger: logger() });
		await loader.loadAll();
		// The file may not grow by a page: SQLite answers SQLITE_FULL, as on a full disk.
		db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
		const long = Array.from({ length: 40 }, (_, i) => paper(`2412.${String(100 + i).padStart(5, '0')}`, i, `Long Paper ${'x'.repeat(400)} ${i}`));
		await write('2024/12/20.md', day('2024-12-20', long));
		const full = await loader.scan();
		expect(full.added).toEqual([]);
		expect(a.paper('2412.00100')).toBeUndefined();
		const said = logs
			.map((l) => JSON.parse(l) as { level: string; msg: string; file?: string })
			.filter((l) => l.file === '2024/12/20.md' && l.level === 'error');
		expect(said.map((l) => l.msg)).toEqual([expect.stringMatching(/could not be written to the archive index \(.*full.*\); read again at the next scan/)]);
		// What was indexed before still answers.
		expect(a.paper('2412.00003')?.votes).toBe(9);

		db.pragma('max_page_count = 1073741823');
		const roomy = await loader.scan();
		expect(roomy.added).toEqual(['2024/12/20.md']);
		expect(roomy.dates).toEqual(['2024-12-20']);
		expect(a.paper('2412.00100')?.title).toContain('Long Paper');
		expect(a.problems().filter((p) => p.file === '2024/12/20.md')).toEqual([]);
		a.close();
	});

	it('reads again only what changed, came or went while it was down, and reports it as news', async () => {
		const first = open();
		await load(first);
		first.close();
		await write('2024/12/03.md', day('2024-12-03', [paper('2412.00003', 500)]), 30);
		await rm(path.join(digests, '2024/12/09.md'));
		await write('2024/12/10.md', day('2024-12-10', [paper('2412.00011', 1)]));

		const again = open();
		const scan = await load(again);
		expect(scan).toMatchObject({ added: ['2024/12/10.md'], changed: ['2024/12/03.md'], removed: ['2024/12/09.md'], dates: ['2024-12-03', '2024-12-10'] });
		expect(again.top({ period: 'all', limit: 1 })[0]).toMatchObject({ id: '2412.00003', votes: 500 });
		expect(again.hasDate('2024-12-09')).toBe(false);
		const fresh = new Archive();
		await load(fresh);
		expect(answers(again)).toEqual(answers(fresh));
		again.close();
	});

	it('starts from nothing, saying why, when the file was written by another version, for another folder, or is damaged', async () => {
		const first = open();
		await load(first);
		first.close();
		const meta = new Database(index);
		meta.prepare("UPDATE meta SET value = '0' WHERE key = 'format'").run();
		meta.close();
		const older = open();
		expect(older.stats().files).toBe(0);
		expect((await load(older)).added).toHaveLength(10);
		older.close();
		expect(logs.some((l) => l.includes('archive index rebuilt') && l.includes('another version'))).toBe(true);

		const elsewhere = new Archive({ db: openArchiveIndex(index, path.join(dir, 'other'), logger()) });
		expect(elsewhere.stats().files).toBe(0);
		elsewhere.close();
		expect(logs.some((l) => l.includes('another folder'))).toBe(true);

		await writeFile(index, 'this is not a database, it is a file someone wrote over');
		await rm(`${index}-wal`, { force: true });
		const damaged = open();
		expect((await load(damaged)).added).toHaveLength(10);
		expect(damaged.search('shared').total).toBe(1);
		damaged.close();
		expect(logs.some((l) => l.includes('archive index rebuilt') && l.includes('damaged'))).toBe(true);
	});

	it('killed with a batch open, it reads again at the next start exactly the files the batch had not committed', async () => {
		const files = Array.from({ length: 9 }, (_, i) => `2024/12/0${i + 1}.md`);
		const mod = (rel: string) => JSON.stringify(path.resolve(rel));
		// A real process, writing as the loader does: four files committed, five more in the open transaction, then killed.
		const writer = spawn(
			process.execPath,
			[
				'--import',
				'tsx',
				'-e',
				`const fs = await import('node:fs'); const path = await import('node:path');
				const { Archive } = await import(${mod('src/archive/archive.ts')});
				const { openArchiveIndex } = await import(${mod('src/archive/index-file.ts')});
				const { parseDigest } = await import(${mod('src/digest/parse.ts')});
				const { silentLogger } = await import(${mod('src/log.ts')});
				const a = new Archive({ db: openArchiveIndex(${JSON.stringify(index)}, ${JSON.stringify(digests)}, silentLogger) });
				a.batch(true);
				${JSON.stringify(files)}.forEach((f, i) => {
					const real = path.join(${JSON.stringify(digests)}, f);
					const st = fs.statSync(real);
					a.setFile(f, parseDigest(fs.readFileSync(real, 'utf8'), f), { size: st.size, mtimeMs: st.mtimeMs });
					if (i === 3) a.flush();
				});
				console.log('mid'); process.stdin.resume();`,
			],
			{ stdio: ['pipe', 'pipe', 'inherit'] },
		);
		await new Promise<void>((resolve, reject) => {
			writer.stdout.on('data', (b: Buffer) => b.toString().includes('mid') && resolve());
			writer.once('exit', (code) => reject(new Error(`the writer exited (${code}) before its batch was open`)));
		});
		const gone = new Promise((resolve) => writer.once('exit', resolve));
		writer.kill('SIGKILL');
		await gone;

		const again = open();
		expect([...again.stamps().keys()].sort()).toEqual(files.slice(0, 4));
		const scan = await load(again);
		expect(scan.added.sort()).toEqual([...files.slice(4), 'notes.md']);
		const fresh = new Archive();
		await load(fresh);
		expect(answers(again)).toEqual(answers(fresh));
		again.close();
	});

	it('keeps its own index in memory, saying so, when another process holds the file', async () => {
		const first = open();
		await load(first);
		first.close();
		// A real second process, holding the index as a running bot does.
		const holder = spawn(
			process.execPath,
			[
				'--import',
				'tsx',
				'-e',
				`const { openIndex } = await import(${JSON.stringify(path.resolve('src/archive/index-db.ts'))}); openIndex(${JSON.stringify(index)}, ${JSON.stringify(digests)}); console.log('held'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`,
			],
			{ stdio: ['pipe', 'pipe', 'inherit'] },
		);
		try {
			await new Promise<void>((resolve, reject) => {
				holder.stdout.on('data', (b: Buffer) => b.toString().includes('held') && resolve());
				holder.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
			});
			const second = open();
			expect(second.indexFile()).toBeUndefined();
			expect((await load(second)).added).toHaveLength(10);
			expect(second.search('shared').total).toBe(1);
			second.close();
			expect(logs.some((l) => l.includes('in use by another process'))).toBe(true);
		} finally {
			holder.stdin.end();
			await new Promise((resolve) => holder.once('exit', resolve));
		}
		// Once it let go, the file is this process's again, with all it held.
		const third = open();
		expect(third.indexFile()).toBe(index);
		expect((await load(third)).added).toEqual([]);
		third.close();
	});

	it('has a big file written into the index by the parser thread, and answers from it as if this thread had written it', async () => {
		const papers = Array.from({ length: 2500 }, (_, i) => paper(`2411.${String(10_000 + i)}`, i % 97, `Long Day Paper ${i}`));
		await write('2024/11/30.md', day('2024-11-30', papers));
		const archive = open();
		const scan = await load(archive);
		expect(scan.added).toContain('2024/11/30.md');
		expect(archive.digest('2024-11-30')?.papers).toHaveLength(2500);
		expect(archive.search('long day paper 2499').results[0]?.id).toBe('2411.12499');
		const fresh = new Archive();
		await load(fresh);
		expect(answers(archive)).toEqual(answers(fresh));
		expect(archive.top({ period: 'all', limit: 3 })).toEqual(fresh.top({ period: 'all', limit: 3 }));
		archive.close();
	});

	it('is kept beside a SQLite store by default, one file per shard set, in memory when asked', () => {
		expect(indexPath(undefined, 'sqlite://./var/paperboy.sqlite')).toBe('./var/paperboy.archive.sqlite');
		expect(indexPath(undefined, 'sqlite:///srv/bot/state.sqlite', '[0,1]')).toBe('/srv/bot/state.shards-0-1.archive.sqlite');
		expect(indexPath(undefined, 'redis://cache:6379')).toBe('./var/archive-index.archive.sqlite');
		expect(indexPath('/data/idx.sqlite', 'redis://cache:6379', '2')).toBe('/data/idx.sqlite');
		expect(indexPath('memory', 'sqlite://./var/paperboy.sqlite')).toBe(':memory:');
	});
});
