import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDigest, parseDigestFast, parseDigestFull } from '../src/digest/parse.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const OWN = [path.resolve(import.meta.dirname, '../data'), path.resolve(import.meta.dirname, '../test/fixtures')];

export interface ParseBenchResult {
	files: number;
	megabytes: number;
	/** Files the line readers take; the rest go to the full parser. */
	fastFiles: number;
	rounds: number;
	/** Medians over the rounds, one pass over every file each. */
	fullMs: number;
	parseDigestMs: number;
	/** Full parser's time over `parseDigest`'s, the median of the rounds' ratios. */
	speedup: number;
	/** The same, over the files the fast path takes only. */
	fastOnlySpeedup: number;
	/** What a pass costs against reading the same files from the page cache. */
	fullVsRead: number;
	parseDigestVsRead: number;
}

function walk(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []))
		.sort();
}

function median(xs: readonly number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

function timed(fn: () => void): number {
	const t = performance.now();
	fn();
	return performance.now() - t;
}

/**
 * Parsing the real corpus, the full parser against `parseDigest` (which takes the fast path
 * where it can), in alternated pairs so that a busy machine slows both alike: each round runs
 * both, the order swapped every round, and the ratio is the median of the rounds' ratios.
 */
export async function benchParse(opts: { rounds?: number; archiveDir?: string; log?: (line: string) => void } = {}): Promise<ParseBenchResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const rounds = opts.rounds ?? 9;
	let paths = walk(opts.archiveDir ? path.resolve(opts.archiveDir) : CORPUS);
	if (paths.length === 0) {
		log(`warning: ${CORPUS} is absent; timing the project's own examples`);
		paths = OWN.flatMap(walk);
	}
	const files = paths.map((p) => ({ name: p, text: readFileSync(p, 'utf8') }));
	const fast = files.filter((f) => parseDigestFast(f.text, f.name) !== null);
	const pass = (set: typeof files, parse: (text: string, file: string) => unknown) => () => {
		for (const f of set) parse(f.text, f.name);
	};
	const read = () => {
		for (const p of paths) readFileSync(p, 'utf8');
	};
	for (let i = 0; i < 3; i++) {
		pass(files, parseDigestFull)();
		pass(files, parseDigest)();
	}
	const full: number[] = [];
	const auto: number[] = [];
	const ratios: number[] = [];
	const fastRatios: number[] = [];
	const reads: number[] = [];
	for (let r = 0; r < rounds; r++) {
		const pair = (a: () => void, b: () => void): [number, number] => {
			if (r % 2 === 0) return [timed(a), timed(b)];
			const tb = timed(b);
			return [timed(a), tb];
		};
		const [f, d] = pair(pass(files, parseDigestFull), pass(files, parseDigest));
		full.push(f);
		auto.push(d);
		ratios.push(f / d);
		const [ff, fd] = pair(pass(fast, parseDigestFull), pass(fast, parseDigest));
		fastRatios.push(ff / fd);
		reads.push(timed(read));
	}
	const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
	const readMs = median(reads);
	const result: ParseBenchResult = {
		files: files.length,
		megabytes: round(bytes / 1e6),
		fastFiles: fast.length,
		rounds,
		fullMs: round(median(full)),
		parseDigestMs: round(median(auto)),
		speedup: round(median(ratios)),
		fastOnlySpeedup: round(median(fastRatios)),
		fullVsRead: round(median(full) / readMs, 1),
		parseDigestVsRead: round(median(auto) / readMs, 1),
	};
	log(`parse (${result.files} files, ${result.megabytes} MB; ${result.fastFiles} take the fast path)`);
	log(`  full parser   ${result.fullMs} ms a pass · ${result.fullVsRead}× reading the files`);
	log(`  parseDigest   ${result.parseDigestMs} ms a pass · ${result.parseDigestVsRead}× reading the files`);
	log(`  speed-up      ${result.speedup}× over all files · ${result.fastOnlySpeedup}× over the fast path's files (median of ${rounds} alternated pairs)`);
	return result;
}
