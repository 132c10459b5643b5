import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader, listDigestFiles } from '../src/archive/load.ts';
import { runCli } from '../src/cli/run.ts';
import { createLogger } from '../src/log.ts';
import { ROOT } from './helpers/process.ts';

const day = (date: string, id: string, votes = 1) =>
	`## Daily Papers (${date})\n\n### [Paper ${id}](https://arxiv.org/abs/${id})\n\nVote: ${votes}\n\n- ***What's New***: text\n`;

type Line = Record<string, unknown>;

describe('digest files that hurt: symlinks, unreadable paths, files over MAX_DIGEST_MB', () => {
	let base: string;
	let dir: string;
	let lines: Line[];
	const loader = (archive: Archive, opts: { maxDigestMb?: number } = {}) =>
		new ArchiveLoader({ dir, archive, settleMs: 0, logger: createLogger('debug', (l) => lines.push(JSON.parse(l) as Line)), ...opts });
	const write = async (rel: string, text: string, root = dir) => {
		await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
		await writeFile(path.join(root, rel), text);
	};
	const about = (file: string) => lines.filter((l) => l['file'] === file);

	beforeEach(async () => {
		base = await mkdtemp(path.join(os.tmpdir(), 'paperboy-files-'));
		dir = path.join(base, 'digests');
		await mkdir(dir);
		lines = [];
	});
	afterEach(async () => {
		await rm(base, { recursive: true, force: true });
	});

	it('follows symlinked files and folders that stay inside the folder, reading each real file once', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		await write('.store/abc123', day('2024-12-10', '2412.00002'));
		await write('.hidden/days/11.md', day('2024-12-11', '2412.00003'));
		await symlink('../../.store/abc123', path.join(dir, '2024/12/10.md'));
		await symlink('.hidden/days', path.join(dir, 'more'));
		// A producer's "latest" pointer: the same file again, not a second file for its date.
		await symlink('2024/12/09.md', path.join(dir, 'latest.md'));
		await symlink('2024', path.join(dir, 'by-year'));
		expect(await listDigestFiles(dir)).toEqual(['2024/12/09.md', '2024/12/10.md', 'more/11.md']);
		const archive = new Archive();
		await loader(archive).scan();
		expect(archive.dates()).toEqual(['2024-12-11', '2024-12-10', '2024-12-09']);
		expect(archive.digest('2024-12-09')?.files).toEqual(['2024/12/09.md']);
		expect(archive.problems()).toEqual([]);
		expect(lines.filter((l) => l['level'] === 'warn' || l['level'] === 'error')).toEqual([]);
	});

	it('reads a folder that is itself a symlink', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		const link = path.join(base, 'current');
		await symlink(dir, link);
		const archive = new Archive();
		await new ArchiveLoader({ dir: link, archive, settleMs: 0 }).scan();
		expect(archive.dates()).toEqual(['2024-12-09']);
	});

	it('refuses a symlink pointing outside the folder, with one warning however many scans', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		const outside = path.join(base, 'elsewhere');
		await write('secret.md', day('2024-12-20', '2412.09999'), outside);
		await write('days/21.md', day('2024-12-21', '2412.09998'), outside);
		await write('logo.png', 'png', outside);
		await symlink(path.join(outside, 'secret.md'), path.join(dir, 'leak.md'));
		await symlink(path.join(outside, 'days'), path.join(dir, 'leakdir'));
		await symlink(path.join(outside, 'logo.png'), path.join(dir, 'logo.png'));
		const archive = new Archive();
		const l = loader(archive);
		await l.scan();
		await l.scan();
		await l.scan();
		expect(archive.dates()).toEqual(['2024-12-09']);
		expect(archive.paper('2412.09999')).toBeUndefined();
		for (const file of ['leak.md', 'leakdir']) {
			expect(about(file)).toEqual([expect.objectContaining({ level: 'warn', msg: 'symlink points outside the digest folder; not followed' })]);
		}
		// Not a digest file: nothing to refuse, nothing to say.
		expect(about('logo.png')).toEqual([]);
		expect(archive.problems().map((p) => [p.file, p.level])).toEqual([
			['leak.md', 'warning'],
			['leakdir', 'warning'],
		]);
	});

	it('ends a symlink loop and reports it once; a link to nothing is reported too', async () => {
		await write('a/12/09.md', day('2024-12-09', '2412.00001'));
		await symlink('..', path.join(dir, 'a/12/up'));
		await symlink('self', path.join(dir, 'self'));
		await symlink('missing.md', path.join(dir, 'gone.md'));
		const archive = new Archive();
		const l = loader(archive);
		await l.scan();
		await l.scan();
		expect(archive.dates()).toEqual(['2024-12-09']);
		expect(about('a/12/up')).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('symlink loop') })]);
		expect(about('self')).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('symlink loop') })]);
		expect(about('gone.md')).toEqual([expect.objectContaining({ level: 'warn', msg: 'symlink points to nothing; skipped' })]);
		// Fixed, the problem goes, and the file it now points to is read.
		await rm(path.join(dir, 'gone.md'));
		await write('.real/10.md', day('2024-12-10', '2412.00002'));
		await symlink('.real/10.md', path.join(dir, 'gone.md'));
		await l.scan();
		expect(archive.problems().map((p) => p.file)).toEqual(['a/12/up', 'self']);
		expect(archive.dates()).toEqual(['2024-12-10', '2024-12-09']);
	});

	it('reports an unreadable folder and file once, not on every scan, and reads them once they may be read', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		await write('locked/10.md', day('2024-12-10', '2412.00002'));
		await write('secret.md', day('2024-12-11', '2412.00003'));
		// Big enough for the parser thread, which must not keep the process alive once idle.
		await write('2024/12/12.md', day('2024-12-12', '2412.00004') + `\n${'- ***Technical Details***: padding\n'.repeat(10_000)}`);
		await chmod(base, 0o755);
		await chmod(dir, 0o755);
		// Root reads everything: the loader runs as nobody, who owns the paths and so may unlock them.
		const asNobody = process.getuid?.() === 0;
		if (asNobody) for (const p of ['locked', 'locked/10.md', 'secret.md']) await chown(path.join(dir, p), 65534, 65534);
		await chmod(path.join(dir, 'locked'), 0o000);
		await chmod(path.join(dir, 'secret.md'), 0o000);
		const url = (rel: string) => JSON.stringify(pathToFileURL(path.join(ROOT, rel)).href);
		const script = `
			import { chmod } from 'node:fs/promises';
			import { Archive } from ${url('src/archive/archive.ts')};
			import { ArchiveLoader } from ${url('src/archive/load.ts')};
			import { createLogger } from ${url('src/log.ts')};
			const dir = process.env.DIGESTS;
			const lines = [];
			const archive = new Archive();
			const loader = new ArchiveLoader({ dir, archive, settleMs: 0, logger: createLogger('debug', (l) => lines.push(JSON.parse(l))) });
			await loader.scan();
			await loader.scan();
			await loader.scan();
			const locked = { dates: archive.dates(), problems: archive.problems(), lines: [...lines] };
			await chmod(dir + '/locked', 0o755);
			await chmod(dir + '/secret.md', 0o644);
			await loader.scan();
			process.stdout.write(JSON.stringify({ locked, unlocked: { dates: archive.dates(), problems: archive.problems() } }));
		`;
		const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
		const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
			cwd: ROOT,
			env: { PATH: process.env['PATH'] ?? '', HOME: base, DIGESTS: dir },
			...(asNobody ? { uid: 65534, gid: 65534 } : {}),
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		// It ends by itself: the idle parser thread does not keep it alive.
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(err).toBe('');
		expect(code).toBe(0);
		const got = JSON.parse(out) as {
			locked: { dates: string[]; problems: Array<{ file: string; level: string; message: string }>; lines: Line[] };
			unlocked: { dates: string[]; problems: unknown[] };
		};
		expect(got.locked.dates).toEqual(['2024-12-12', '2024-12-09']);
		expect(got.locked.problems).toEqual([
			{ file: 'locked', line: 0, level: 'error', message: 'folder cannot be read (EACCES); its digests are not loaded' },
			{ file: 'secret.md', line: 0, level: 'error', message: 'cannot be read (EACCES); not loaded' },
		]);
		const said = got.locked.lines.filter((l) => l['level'] === 'error').map((l) => [l['file'], l['msg']]);
		expect(said).toEqual([
			['locked', 'folder cannot be read (EACCES); its digests are not loaded'],
			['secret.md', 'cannot be read (EACCES); not loaded'],
		]);
		expect(got.unlocked).toEqual({ dates: ['2024-12-12', '2024-12-11', '2024-12-10', '2024-12-09'], problems: [] });

		// check, run by the same user, lists what it could not read and exits 1.
		await chmod(path.join(dir, 'locked'), 0o000);
		const check = spawnSync(process.execPath, [path.join(ROOT, 'bin/paperboy.js'), 'check', dir], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { PATH: process.env['PATH'] ?? '', HOME: base },
			...(asNobody ? { uid: 65534, gid: 65534 } : {}),
		});
		expect(check.stdout).toContain('locked: error: folder cannot be read (EACCES); its digests are not loaded');
		expect(check.status).toBe(1);
	}, 60_000);

	it('refuses a file over MAX_DIGEST_MB and drops the digest it held before it grew; check lists it', async () => {
		await write('2024/12/09.md', day('2024-12-09', '2412.00001'));
		await write('2024/12/10.md', day('2024-12-10', '2412.00002'));
		const archive = new Archive();
		const l = loader(archive, { maxDigestMb: 0.01 });
		await l.scan();
		expect(archive.dates()).toEqual(['2024-12-10', '2024-12-09']);
		const padding = `\n${'- ***Technical Details***: padding\n'.repeat(400)}`;
		await write('2024/12/10.md', day('2024-12-10', '2412.00002') + padding);
		const grown = await l.scan();
		expect(grown).toMatchObject({ changed: ['2024/12/10.md'] });
		await l.scan();
		expect(archive.dates()).toEqual(['2024-12-09']);
		expect(archive.paper('2412.00002')).toBeUndefined();
		const refusal = /^is 0\.0\d+ MB, over MAX_DIGEST_MB \(0\.01\); not read$/;
		expect(about('2024/12/10.md')).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(refusal) })]);

		const cli = async (env: Record<string, string>) => {
			let stdout = '';
			const code = await runCli(['check', dir], { stdout: (t) => (stdout += t), stderr: () => {}, env, cwd: ROOT });
			return { code, stdout };
		};
		const refused = await cli({ MAX_DIGEST_MB: '0.01' });
		expect(refused.stdout).toMatch(/^2024\/12\/10\.md: error: is 0\.0\d+ MB, over MAX_DIGEST_MB \(0\.01\); not read$/m);
		expect(refused.code).toBe(1);
		expect((await cli({})).code).toBe(0);
	});
});
