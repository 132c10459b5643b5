import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { benchFolder } from './real-archive.ts';

export interface Latency {
	p50Ms: number;
	p99Ms: number;
}

export interface ArchiveBenchResult {
	files: number;
	megabytes: number;
	papers: number;
	/** Until the loader resolves: the bot can answer and deliver from here. */
	buildSeconds: number;
	/** Until the search index (built after the scan, between other work) is complete. */
	indexReadySeconds: number;
	filesPerSecond: number;
	megabytesPerSecond: number;
	peakRssMb: number;
	paperLookup: Latency;
	topAll: Latency;
	topWeek: Latency;
	search: Latency;
	suggest: Latency;
}

export function latency(samples: number[]): Latency {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
	return { p50Ms: round(at(0.5), 4), p99Ms: round(at(0.99), 4) };
}

function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/** `fn` timed `runs` times, each on its own. */
export function time(runs: number, fn: (i: number) => unknown): Latency {
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		fn(i);
		samples.push(performance.now() - t);
	}
	return latency(samples);
}

/** Builds the index (in memory) over a ten-year archive of real text, or `archiveDir`, and times the look-ups commands make. */
export async function benchArchive(opts: { days?: number; archiveDir?: string; log?: (line: string) => void } = {}): Promise<ArchiveBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-'));
	try {
		const folder = await benchFolder(opts, dir, log);
		const { files, bytes } = folder;
		let peak = process.memoryUsage().rss;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 20);
		const archive = new Archive();
		const t0 = performance.now();
		const loader = new ArchiveLoader({ dir: folder.dir, archive });
		await loader.loadAll();
		const buildSeconds = (performance.now() - t0) / 1000;
		const indexReadySeconds = (performance.now() - t0) / 1000;
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);

		const ids = [...archive.top({ period: 'all', limit: 1_000_000 })].map((p) => p.id);
		const dates = archive.dates();
		const queries = ['attention', 'gaussian splatting', '어텐션', '가우시안 스플래팅', 'Mina Park', '작은 모델', 'benchmark vision', '벤치마크'];
		const result: ArchiveBenchResult = {
			files,
			megabytes: round(bytes / 1e6),
			papers: archive.stats().papers,
			buildSeconds: round(buildSeconds),
			indexReadySeconds: round(indexReadySeconds),
			filesPerSecond: round(files / buildSeconds, 0),
			megabytesPerSecond: round(bytes / 1e6 / buildSeconds),
			peakRssMb: round(peak / 1e6, 0),
			paperLookup: time(2000, (i) => archive.paper(ids[(i * 7919) % ids.length] ?? '')),
			topAll: time(200, () => archive.top({ period: 'all', limit: 10 })),
			topWeek: time(200, (i) => archive.top({ period: 'week', date: dates[i % dates.length] ?? '', limit: 10 })),
			search: time(200, (i) => archive.search(queries[i % queries.length] ?? '', { limit: 10 })),
			suggest: time(200, (i) => archive.suggest(['gau', 'tiny t', '2501.0', 'spar'][i % 4] ?? '')),
		};
		const rows: [string, string][] = [
			['files', `${result.files} (${result.megabytes} MB, ${result.papers} papers)`],
			['build index', `${result.buildSeconds} s · ${result.filesPerSecond} files/s · ${result.megabytesPerSecond} MB/s`],
			['index ready', `${result.indexReadySeconds} s`],
			['peak RSS', `${result.peakRssMb} MB`],
			['paper(id)', fmt(result.paperLookup)],
			['top all', fmt(result.topAll)],
			['top week', fmt(result.topWeek)],
			['search', fmt(result.search)],
			['suggest', fmt(result.suggest)],
		];
		log(`archive (${folder.label})`);
		for (const [k, v] of rows) log(`  ${k.padEnd(12)} ${v}`);
		return result;
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

function fmt(l: Latency): string {
	return `p50 ${l.p50Ms} ms · p99 ${l.p99Ms} ms`;
}
