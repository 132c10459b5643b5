import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/store.ts';
import { startEmulator } from '../emulator/index.ts';
import { subscribe } from '../test/helpers/subscriptions.ts';
import { rssOf, spawnBot } from './bot-process.ts';
import { benchFolder } from './real-archive.ts';

export interface MemoryBenchResult {
	subscriptions: number;
	papers: number | null;
	peakRssMb: number;
	settledRssMb: number;
	startSeconds: number;
}

/**
 * Peak RSS of the real bot (`src/main.ts`, a child process of its own) holding the ten-year
 * archive of real text (or `archiveDir`) and N subscriptions in its SQLite store, connected to
 * the emulator, after start-up and the scheduler's catch-up pass.
 */
export async function benchMemory(
	opts: { subscriptions?: number; days?: number; archiveDir?: string; log?: (line: string) => void } = {},
): Promise<MemoryBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const n = opts.subscriptions ?? 5000;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-mem-'));
	const emu = await startEmulator({ validate: false });
	try {
		const folder = await benchFolder(opts, dir, log);
		const storeUrl = `sqlite://${path.join(dir, 'state.sqlite')}`;
		const store = await openStore(storeUrl);
		for (let left = n; left > 0; left -= 100) {
			const g = emu.addGuild({ channels: Math.min(100, left) });
			for (const c of g.channels) await subscribe(store, g.id, c);
		}
		await store.close();

		const t0 = Date.now();
		const child = spawnBot(emu, { env: { DIGEST_DIR: folder.dir, ARCHIVE_INDEX: path.join(dir, 'archive.sqlite'), STORE_URL: storeUrl, LOG_LEVEL: 'info' } });
		let papers: number | null = null;
		let text = '';
		let startedAt: number | null = null;
		let indexReady = false;
		const ready = new Promise<void>((resolve, reject) => {
			child.stderr.on('data', (chunk: Buffer) => {
				text += chunk.toString('utf8');
				const lines = text.split('\n');
				text = lines.pop() ?? '';
				for (const line of lines) {
					try {
						const l = JSON.parse(line) as { msg?: string; papers?: number; index?: string };
						if (l.msg === 'archive loaded' && typeof l.papers === 'number') papers = l.papers;
						if (l.msg === 'scheduler started; catching up') startedAt = Date.now();
						// Built after the load before the index moved out of the heap; searchable once loaded since.
						if (l.msg === 'search index ready' || (l.msg === 'archive loaded' && l.index !== undefined)) indexReady = true;
						// Measured once the bot is whole: delivering, and able to search.
						if (startedAt !== null && indexReady) resolve();
					} catch {
						// Not a log line.
					}
				}
			});
			child.once('exit', (code) => reject(new Error(`bot exited (${code}) before it was ready`)));
		});
		try {
			await ready;
			const startSeconds = ((startedAt ?? Date.now()) - t0) / 1000;
			// Let the catch-up pass and a GC or two happen, then read the kernel's figures.
			await new Promise((r) => setTimeout(r, 3000));
			const rss = await rssOf(child.pid ?? 0);
			const result = { subscriptions: n, papers, peakRssMb: rss.peak, settledRssMb: rss.now, startSeconds: Math.round(startSeconds * 10) / 10 };
			log(`memory (bot process: ${folder.label}, ${n} subscriptions)`);
			log(`  papers       ${papers ?? '?'}`);
			log(`  start-up     ${result.startSeconds} s to scheduler start`);
			log(`  peak RSS     ${result.peakRssMb} MB (VmHWM) · ${result.settledRssMb} MB after start-up`);
			return result;
		} finally {
			child.kill('SIGKILL');
		}
	} finally {
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchMemory();
