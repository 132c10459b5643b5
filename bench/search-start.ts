import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Archive } from '../src/archive/archive.ts';
import { listDigestFiles } from '../src/archive/load.ts';
import { parseDigest } from '../src/digest/parse.ts';
import type { ParseResult } from '../src/digest/schema.ts';
import { writeLargeArchive } from '../test/helpers/large-archive.ts';
import type { Latency } from './archive.ts';

export interface SearchStartBenchResult {
	/** `generated` (real-sized generated text) or the folder given with `--archive`. */
	source: string;
	files: number;
	papers: number;
	/** The whole index built in one go, as the first /search after a start used to: the loop is held all along. */
	oneGoBuildMs: number;
	/** The same build in slices between other work, until the index is complete. */
	slicedBuildMs: number;
	/** Longest and 99th-percentile event-loop stall during the sliced build (monitorEventLoopDelay, 10 ms resolution). */
	longestBlockMs: number;
	blockP99Ms: number;
	/** /search asked during the build: each waits (deferred, in the bot) until the index is complete. */
	searchBeforeReady: Latency;
	/** Autocomplete asked during the build: answered at once from what is indexed so far. */
	autocompleteBeforeReady: Latency;
	searchAfterReady: Latency;
	autocompleteAfterReady: Latency;
}

const QUERIES = ['gaussian splatting', 'attention', 'diffusion model', '강화학습', '언어 모델', 'benchmark vision', 'agent', 'video generation'];
const TYPED = ['gau', 'diffusion m', 'spl', '2501.0', 'age'];
// One search and one autocomplete asked this often while the index is built.
const ASK_EVERY_MS = 20;

function latency(samples: number[]): Latency {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
	return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

async function parseAll(dir: string): Promise<[string, ParseResult][]> {
	const out: [string, ParseResult][] = [];
	for (const file of await listDigestFiles(dir)) out.push([file, parseDigest(await readFile(path.join(dir, file), 'utf8'), file)]);
	return out;
}

function archiveOf(parsed: [string, ParseResult][]): Archive {
	const archive = new Archive();
	for (const [file, result] of parsed) archive.setFile(file, result);
	return archive;
}

/**
 * What a start costs search: the index built in one go (as the first /search used to do,
 * holding the event loop throughout) against the same build in slices, with searches and
 * autocomplete asked all along, then both asked again once the index is ready.
 */
export async function benchSearchStart(opts: { archiveDir?: string; days?: number; log?: (line: string) => void } = {}): Promise<SearchStartBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const temp = opts.archiveDir ? undefined : await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-search-'));
	try {
		if (temp) await writeLargeArchive(temp, { days: opts.days ?? 1000, perDay: 15 });
		const parsed = await parseAll(opts.archiveDir ?? (temp as string));

		const before = archiveOf(parsed);
		let t = performance.now();
		before.search(QUERIES[0] ?? '');
		const oneGoBuildMs = performance.now() - t;

		const archive = archiveOf(parsed);
		const delay = monitorEventLoopDelay({ resolution: 10 });
		delay.enable();
		const searches: Promise<number>[] = [];
		const typed: number[] = [];
		let asked = 0;
		const asker = setInterval(() => {
			const i = asked++;
			const started = performance.now();
			searches.push(archive.searchAsync(QUERIES[i % QUERIES.length] ?? '', { limit: 10 }).then(() => performance.now() - started));
			const s = performance.now();
			archive.suggestSoFar(TYPED[i % TYPED.length] ?? '');
			typed.push(performance.now() - s);
		}, ASK_EVERY_MS);
		t = performance.now();
		await archive.whenSearchReady();
		const slicedBuildMs = performance.now() - t;
		clearInterval(asker);
		const searchWaits = await Promise.all(searches);
		// One more sample, so a stall at the very end is counted too.
		await new Promise((resolve) => setTimeout(resolve, 25));
		delay.disable();

		const after: number[] = [];
		const afterTyped: number[] = [];
		for (let i = 0; i < 200; i++) {
			const s = performance.now();
			await archive.searchAsync(QUERIES[i % QUERIES.length] ?? '', { limit: 10 });
			after.push(performance.now() - s);
			const u = performance.now();
			archive.suggestSoFar(TYPED[i % TYPED.length] ?? '');
			afterTyped.push(performance.now() - u);
		}

		const result: SearchStartBenchResult = {
			source: opts.archiveDir ?? `generated (${opts.days ?? 1000} days of real-sized text)`,
			files: parsed.length,
			papers: archive.stats().papers,
			oneGoBuildMs: round(oneGoBuildMs, 0),
			slicedBuildMs: round(slicedBuildMs, 0),
			longestBlockMs: round(delay.max / 1e6, 1),
			blockP99Ms: round(delay.percentile(99) / 1e6, 1),
			searchBeforeReady: latency(searchWaits),
			autocompleteBeforeReady: latency(typed),
			searchAfterReady: latency(after),
			autocompleteAfterReady: latency(afterTyped),
		};
		const fmt = (l: Latency) => `p50 ${l.p50Ms} ms · p99 ${l.p99Ms} ms`;
		log(`search after a start (${result.source}: ${result.files} files, ${result.papers} papers)`);
		log(`  before: index built in one go by the first /search, the loop held for ${result.oneGoBuildMs} ms`);
		log(`  now: built in slices in ${result.slicedBuildMs} ms; longest event-loop stall ${result.longestBlockMs} ms (p99 ${result.blockP99Ms} ms)`);
		log(`  /search while building   ${fmt(result.searchBeforeReady)} (${searchWaits.length} asked; each waits, deferred, for the index)`);
		log(`  autocomplete meanwhile   ${fmt(result.autocompleteBeforeReady)} (from what is indexed so far)`);
		log(`  /search once ready       ${fmt(result.searchAfterReady)}`);
		log(`  autocomplete once ready  ${fmt(result.autocompleteAfterReady)}`);
		return result;
	} finally {
		if (temp) await rm(temp, { recursive: true, force: true });
	}
}
