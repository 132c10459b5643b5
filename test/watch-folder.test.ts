import { EventEmitter } from 'node:events';
import { watch as realWatch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { watchFolder, type FolderWatch, type FolderWatchOptions } from '../src/source/watch-folder.ts';
import { until } from './helpers/received.ts';

interface Line {
	level: string;
	msg: string;
	code?: string;
}

describe('watchFolder', () => {
	let base: string | undefined;
	let watch: FolderWatch | undefined;
	afterEach(async () => {
		watch?.close();
		watch = undefined;
		if (base) await rm(base, { recursive: true, force: true });
		base = undefined;
	});

	/** A watch of a fresh folder, once it has started; `calls` counts onChange. */
	async function watched(extra: Partial<FolderWatchOptions> = {}) {
		base = await mkdtemp(join(tmpdir(), 'paperboy-watch-'));
		const dir = join(base, 'digests');
		await mkdir(dir);
		const lines: Line[] = [];
		const state = { calls: 0 };
		watch = watchFolder({
			dir,
			onChange: () => state.calls++,
			logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as Line)),
			scanEverySeconds: 30,
			...extra,
		});
		await watch.check();
		return { dir, base, lines, state, watch };
	}

	it('calls onChange soon after a file is renamed into the folder', async () => {
		const { dir, base, state } = await watched();
		await writeFile(join(base, 'incoming.md'), '## Daily Papers (2025-01-06)\n');
		await rename(join(base, 'incoming.md'), join(dir, '2025-01-06.md'));
		await until(() => state.calls >= 1, 3000, 'onChange after the rename');
	});

	it('watches a folder made after it started, such as YYYY/MM', async () => {
		const { dir, state } = await watched();
		await mkdir(join(dir, '2025', '06'), { recursive: true });
		await until(() => state.calls >= 1, 3000, 'onChange for the new folder');
		// Both folders appeared before a watch could be placed on the first: the tree is walked for them.
		const before = state.calls;
		await writeFile(join(dir, '2025', '06', '02.md'), '## Daily Papers (2025-06-02)\n');
		await until(() => state.calls > before, 3000, 'onChange for a file in the new folder');
	});

	it('gives one call for a burst of events', async () => {
		const { dir, state } = await watched({ debounceMs: 300 });
		await Promise.all(Array.from({ length: 10 }, (_, i) => writeFile(join(dir, `${i}.md`), `file ${i}\n`)));
		await until(() => state.calls >= 1, 3000, 'onChange after the burst');
		const afterBurst = state.calls;
		await writeFile(join(dir, 'marker.md'), 'marker\n');
		await until(() => state.calls > afterBurst, 3000, 'onChange after the marker');
		expect(afterBurst).toBe(1);
	});

	it('the folder removed: says so once; check() watches it again once it is back', async () => {
		const { dir, lines, state } = await watched();
		await rm(dir, { recursive: true });
		await until(() => lines.some((l) => l.level === 'warn'), 3000, 'the warning');
		await watch!.check(); // still gone: no second warning
		const warnings = lines.filter((l) => l.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]?.msg).toMatch(/cannot watch the digest folder for new files: the folder is gone; .*periodic scan every 30 s/);
		expect(watch!.active()).toBe(false);

		await mkdir(dir);
		await watch!.check();
		expect(watch!.active()).toBe(true);
		expect(lines.some((l) => l.level === 'info' && /watching the digest folder for new files again/.test(l.msg))).toBe(true);
		const before = state.calls;
		await writeFile(join(dir, 'back.md'), 'back\n');
		await until(() => state.calls > before, 3000, 'onChange in the recreated folder');
	});

	it('a folder replaced by another of the same name is watched again without waiting for check()', async () => {
		const { dir, base, state } = await watched();
		await mkdir(join(base, 'next'));
		await rm(dir, { recursive: true });
		await rename(join(base, 'next'), dir);
		await until(() => state.calls >= 1, 3000, 'onChange for the replacement');
		const before = state.calls;
		await writeFile(join(dir, 'new.md'), 'new\n');
		await until(() => state.calls > before, 3000, 'onChange in the replacement folder');
	});

	it('the inotify limit reached: one warning with the fix, then watching resumes once a watch can be placed', async () => {
		let refuse = true;
		const { lines, state, dir } = await watched({
			watch: (folder, listener) => {
				if (refuse) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
				return realWatch(folder, { persistent: false }, listener);
			},
		});
		await watch!.check();
		const warnings = lines.filter((l) => l.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatchObject({ code: 'ENOSPC' });
		expect(warnings[0]?.msg).toContain('fs.inotify.max_user_watches');
		expect(watch!.active()).toBe(false);

		refuse = false;
		await watch!.check();
		expect(watch!.active()).toBe(true);
		await writeFile(join(dir, 'x.md'), 'x\n');
		await until(() => state.calls >= 1, 3000, 'onChange once watching');
	});

	it('an error event of a watch (EMFILE) stops watching with one warning', async () => {
		const fakes: EventEmitter[] = [];
		const { lines } = await watched({
			watch: () => {
				const fake = Object.assign(new EventEmitter(), { close: () => undefined }) as unknown as FSWatcher;
				fakes.push(fake);
				return fake;
			},
		});
		expect(watch!.active()).toBe(true);
		fakes[0]?.emit('error', Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }));
		fakes[0]?.emit('error', Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }));
		expect(watch!.active()).toBe(false);
		const warnings = lines.filter((l) => l.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]?.msg).toContain('too many open files');
	});
});
