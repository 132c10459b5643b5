import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.ts';
import { parseCsv } from './helpers/csv.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/daily_papers_ko');
const LIM4349 = path.resolve(ROOT, '../shared/corpus/hf_daily_papers_lim4349');

async function cli(args: string[], env: Record<string, string> = {}) {
	let stdout = '';
	let stderr = '';
	const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: ROOT });
	return { code, stdout, stderr };
}

describe('cli', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-cli-'));
		await mkdir(path.join(dir, '2024/03'), { recursive: true });
		await copyFile(path.join(ROOT, 'test/fixtures/eras.md'), path.join(dir, '2024/03/05.md'));
		await copyFile(path.join(ROOT, 'test/fixtures/readme.md'), path.join(dir, 'README.md'));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('check --json lists files, papers, digests with relative paths, and problems', async () => {
		const { code, stdout } = await cli(['check', dir, '--json']);
		expect(code).toBe(0);
		const out = JSON.parse(stdout);
		expect(out.files).toBe(2);
		expect(out.papers).toBe(7);
		expect(out.digests).toEqual([
			{ file: '2024/03/05.md', date: '2024-03-05', papers: ['2403.01001', '2403.01002', '2403.01003', 'hep-th/9901001', '2403.01005', '2403.01007'] },
			{ file: 'README.md', date: '2024-04-02', papers: ['2404.00111'] },
		]);
		expect(out.problems).toContainEqual({ file: '2024/03/05.md', line: 47, level: 'error', message: expect.any(String) });
	});

	it('check prints file:line: message per problem and exits 1 when a file holds no digest', async () => {
		await writeFile(path.join(dir, 'notes.txt'), 'just notes');
		try {
			const { code, stdout } = await cli(['check', dir]);
			expect(code).toBe(1);
			expect(stdout).toMatch(/^2024\/03\/05\.md:47: error: /m);
			// A problem of the whole file names the file alone: there is no line 0 to open.
			expect(stdout).toMatch(/^notes\.txt: error: no digest heading/m);
			expect(stdout).not.toMatch(/:0:/);
			expect(stdout.trim().split('\n').at(-1)).toMatch(/3 files, 2 digests .* 7 papers/);
		} finally {
			await rm(path.join(dir, 'notes.txt'));
		}
	});

	it('names the paper in every message, also one whose link is not an arXiv address', async () => {
		const sub = path.join(dir, 'odd');
		await mkdir(sub, { recursive: true });
		await writeFile(
			path.join(sub, 'x.md'),
			'## Daily Papers (2024-05-01)\n\n### [A paper](https://example.com/not-arxiv)\n\nVote: many\n\n### [Good](https://arxiv.org/abs/2405.00001)\n\nVote: lots\n',
		);
		try {
			const { stdout } = await cli(['check', sub]);
			expect(stdout).not.toMatch(/paper {2}/);
			expect(stdout).toMatch(/x\.md:\d+: warning: the vote count "lots" of paper 2405\.00001 is not a number/);
			expect(stdout).toMatch(/x\.md:\d+: warning: the vote count "many" of the paper whose link is not an arXiv address/);
		} finally {
			await rm(sub, { recursive: true, force: true });
		}
	});

	it('uses DIGEST_DIR when no folder is given', async () => {
		const { code, stdout } = await cli(['check', '--json'], { DIGEST_DIR: dir });
		expect(code).toBe(0);
		expect(JSON.parse(stdout).files).toBe(2);
	});

	it('paper --json prints the paper shape; unknown ids exit 2 with a message', async () => {
		const { code, stdout } = await cli(['paper', 'https://arxiv.org/pdf/2403.01003v2', '--json', '--dir', dir]);
		expect(code).toBe(0);
		const p = JSON.parse(stdout);
		expect(Object.keys(p)).toEqual(['id', 'title', 'url', 'date', 'dates', 'votes', 'authors', 'thumbnail', 'summary']);
		expect(p).toMatchObject({ id: '2403.01003', votes: 0, dates: ['2024-03-05'], thumbnail: 'https://huggingface.co/avatars/0123456789abcdef.png' });
		expect(p.summary[0]).toEqual({ label: "What's New", text: expect.any(String) });
		const missing = await cli(['paper', '2401.00001', '--dir', dir]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no paper 2401.00001');
		expect((await cli(['paper', 'nonsense', '--dir', dir])).code).toBe(2);
	});

	it('digest --payloads prints message bodies that never ping', async () => {
		const { code, stdout } = await cli(['digest', '2024-03-05', '--payloads', '--dir', dir]);
		expect(code).toBe(0);
		const bodies = JSON.parse(stdout) as { embeds: unknown[]; allowed_mentions: unknown }[];
		expect(bodies.length).toBeGreaterThan(0);
		expect(bodies.flatMap((b) => b.embeds)).toHaveLength(6);
		for (const b of bodies) {
			expect(b.embeds.length).toBeLessThanOrEqual(10);
			expect(b.allowed_mentions).toEqual({ parse: [] });
		}
	});

	it('digest latest --json gives the newest day; an unknown date exits 2', async () => {
		const latest = JSON.parse((await cli(['digest', 'latest', '--json', '--dir', dir])).stdout);
		expect(latest.date).toBe('2024-04-02');
		const missing = await cli(['digest', '2020-01-01', '--dir', dir]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('no digest for 2020-01-01');
		expect((await cli(['digest', 'yesterday', '--dir', dir])).code).toBe(2);
	});

	it('digest rejects a mistyped date before reading any folder', async () => {
		const r = await cli(['digest', 'yesterday', '--dir', path.join(dir, 'no-such-folder')]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('"yesterday" is not a date');
	});

	it('top and search answer in JSON', async () => {
		const top = JSON.parse((await cli(['top', '--period', 'all', '--limit', '2', '--json', '--dir', dir])).stdout);
		expect(top.map((p: { id: string }) => p.id)).toEqual(['2403.01005', '2404.00111']);
		const month = JSON.parse((await cli(['top', '--period', 'month', '--date', '2024-03-10', '--json', '--dir', dir])).stdout);
		expect(month[0].id).toBe('2403.01005');
		const found = JSON.parse((await cli(['search', '식별자', '--json', '--dir', dir])).stdout);
		expect(found.total).toBe(2);
		expect((await cli(['top', '--period', 'decade', '--dir', dir])).code).toBe(2);
		expect((await cli(['frobnicate'])).code).toBe(2);
	});

	it('runs through the paperboy bin', () => {
		const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/paperboy.js'), 'check', path.join(ROOT, 'data'), '--json'], { encoding: 'utf8' });
		expect(r.status).toBe(0);
		expect(JSON.parse(r.stdout).problems).toEqual([]);
	});

	it('check exits 1 and names a file whose digest yields no paper', async () => {
		const sub = path.join(dir, 'empty');
		await mkdir(sub, { recursive: true });
		await copyFile(path.join(ROOT, 'test/fixtures/eras.md'), path.join(sub, 'eras.md'));
		await writeFile(path.join(sub, 'later.md'), '## Daily Papers (2024-12-10)\n\nComing soon.\n');
		try {
			const { code, stdout } = await cli(['check', sub]);
			expect(code).toBe(1);
			expect(stdout).toMatch(/^later\.md:1: error: no paper could be read from the digest for 2024-12-10/m);
			expect(stdout.trim().split('\n').at(-1)).toMatch(/2 files, 1 digests .*; 1 files hold no digest/);
		} finally {
			await rm(sub, { recursive: true, force: true });
		}
	});

	it('export prints every paper of every digest file as a JSON line, with its file', async () => {
		const { code, stdout, stderr } = await cli(['export', dir]);
		expect(code).toBe(0);
		const rows = stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows.map((r) => `${r.file} ${r.id}`)).toEqual([
			...['2403.01001', '2403.01002', '2403.01003', 'hep-th/9901001', '2403.01005', '2403.01007'].map((id) => `2024/03/05.md ${id}`),
			'README.md 2404.00111',
		]);
		const paper = JSON.parse((await cli(['paper', '2403.01003', '--json', '--dir', dir])).stdout);
		expect(rows[2]).toEqual({ ...paper, file: '2024/03/05.md' });
		expect(stderr).toBe('exported 7 papers from 2 of 2 files\n');
	});

	it('export --format csv gives the same fields, the summary in one cell, quoted where needed', async () => {
		const { code, stdout } = await cli(['export', '--format', 'csv', '--dir', dir]);
		expect(code).toBe(0);
		const rows = parseCsv(stdout).filter((r) => r.length > 1);
		expect(rows[0]).toEqual(['id', 'title', 'url', 'date', 'dates', 'votes', 'authors', 'thumbnail', 'summary', 'affiliation', 'pageUrl', 'file']);
		expect(rows).toHaveLength(8);
		const json = JSON.parse((await cli(['paper', '2403.01003', '--json', '--dir', dir])).stdout);
		const row = rows.find((r) => r[0] === '2403.01003') ?? [];
		expect(row.slice(0, 4)).toEqual([json.id, json.title, json.url, json.date]);
		expect(row[5]).toBe(String(json.votes));
		expect(row[8]).toBe(json.summary.map((s: { label: string | null; text: string }) => (s.label ? `${s.label}: ${s.text}` : s.text)).join('\n'));
		expect(row[11]).toBe('2024/03/05.md');
		expect((await cli(['export', dir, '--format', 'xml'])).code).toBe(2);
		expect((await cli(['export', path.join(dir, 'no-such-folder')])).code).toBe(2);
	});

	describe.skipIf(!existsSync(LIM4349))('on the blog corpus', () => {
		it('checks with no error, and exports every paper of every post with its affiliation and page', async () => {
			const checked = await cli(['check', LIM4349, '--json']);
			expect(checked.code).toBe(0);
			expect(JSON.parse(checked.stdout).problems.filter((p: { level: string }) => p.level === 'error')).toEqual([]);
			const rows = (await cli(['export', LIM4349])).stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l));
			expect(rows).toHaveLength(522);
			expect(rows.every((r) => r.pageUrl === `https://huggingface.co/papers/${r.id}` && r.summary[0].label === 'Abstract')).toBe(true);
			// The two versions of a rewritten day each give their own votes.
			const day = rows.filter((r) => r.file.startsWith('rewrites/2026-08-22'));
			expect(new Set(day.map((r) => r.file)).size).toBe(2);
		});
	});

	describe.skipIf(!existsSync(CORPUS))('on the corpus', () => {
		it('reports every paper and no errors', async () => {
			const { code, stdout } = await cli(['check', CORPUS, '--json']);
			expect(code).toBe(0);
			const out = JSON.parse(stdout);
			expect(out.files).toBe(64);
			expect(out.papers).toBe(968);
			expect(out.problems.filter((p: { level: string }) => p.level === 'error')).toEqual([]);
		});
	});
});

describe('the README', () => {
	it('documents every flag the CLI and the deploy script accept', async () => {
		const { readFile } = await import('node:fs/promises');
		const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
		const sources = await Promise.all(['src/cli/run.ts', 'src/deploy.ts'].map((f) => readFile(path.join(ROOT, f), 'utf8')));
		// The flags parseArgs is told about: `name: { type: ... }` inside its options.
		const flags = new Set(sources.flatMap((src) => [...src.matchAll(/^\s*(\w+): \{ type: '(?:string|boolean)'/gm)].map((m) => m[1]!)));
		expect(flags.size).toBeGreaterThan(5);
		for (const flag of flags) expect(readme, `--${flag}`).toContain(`--${flag}`);
	});
});
