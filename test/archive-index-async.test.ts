import fc from 'fast-check';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { Vocabulary } from '../src/archive/vocabulary.ts';
import { parseDigest } from '../src/digest/parse.ts';
import type { ParseResult } from '../src/digest/schema.ts';
import { digestMarkdown } from './helpers/digests.ts';
import { blockBound, sampled } from './helpers/event-loop.ts';
import { largeArchive, type LargeArchive } from './helpers/large-archive.ts';

// About 6,000 papers of generated real-sized text: indexing them takes over a second here.
const DAYS = 400;
const PER_DAY = 15;
const QUERIES = ['gaussian splatting', 'gaussian spl', 'st', 'pra', 'g', '가', '모델', 'tria', 'splatting 가'];

const ids = (papers: { id: string }[]) => papers.map((p) => p.id);

describe('archive/search index built in slices between other work', () => {
	let big: LargeArchive;
	let parsed: [string, ParseResult][];
	const archiveOf = () => {
		const a = new Archive();
		for (const [file, result] of parsed) a.setFile(file, result);
		return a;
	};
	// Built by the synchronous path, in one go: what every answer must equal.
	let reference: Archive;
	let a: Archive;

	beforeAll(() => {
		big = largeArchive({ days: DAYS, perDay: PER_DAY });
		parsed = big.digests.map((d) => [d.file, parseDigest(d.markdown, d.file)]);
		reference = archiveOf();
		reference.search('warm');
		a = archiveOf();
	});

	it('autocomplete answers at once before anything is indexed: ids by prefix in full, titles from what is indexed so far', () => {
		expect(ids(a.suggestSoFar('1501.0000'))).toEqual(ids(reference.suggest('1501.0000')));
		expect(a.suggestSoFar('gaussian spl')).toEqual([]);
		expect(a.searchReady()).toBe(false);
	});

	it('each slice of the background build is a few milliseconds, not hundreds of papers at once', () => {
		// As the loader does after a scan: one call per event-loop turn, up to 500 papers each.
		// Timed in CPU time, so other processes on a busy machine do not count.
		const took: number[] = [];
		for (let i = 0; i < 60; i++) {
			const t = process.cpuUsage();
			expect(a.indexSome(500)).toBe(true);
			const used = process.cpuUsage(t);
			took.push((used.user + used.system) / 1000);
		}
		took.sort((x, y) => x - y);
		expect(took[Math.floor(took.length * 0.9)]).toBeLessThan(25);
		expect(took.at(-1)).toBeLessThan(200);
		expect(a.searchReady()).toBe(false);
		// What autocomplete offers meanwhile is right, only not yet complete.
		const soFar = ids(a.suggestSoFar('gaussian spl', 1000));
		expect(soFar.length).toBeGreaterThan(0);
		expect(soFar.length).toBeLessThan(big.splatting.length);
		for (const id of soFar) expect(big.splatting).toContain(id);
	});

	it('a search asked while the index is built waits for the rest without holding the event loop, then answers as the one-go build does', async () => {
		const delay = monitorEventLoopDelay({ resolution: 10 });
		delay.enable();
		await sampled(delay);
		const started = performance.now();
		const got = await a.searchAsync('gaussian splatting', { limit: 10 });
		const waited = performance.now() - started;
		await sampled(delay);
		delay.disable();
		// The rest of the build was long enough to matter, and no part of it held the loop long.
		expect(waited).toBeGreaterThan(300);
		expect(delay.max / 1e6).toBeLessThan(blockBound(waited));
		expect(a.searchReady()).toBe(true);
		expect(got.total).toBe(big.splatting.length);
		for (const q of QUERIES) {
			for (const [offset, limit] of [
				[0, 10],
				[10, 25],
			] as const) {
				const want = reference.search(q, { offset, limit });
				const have = await a.searchAsync(q, { offset, limit });
				expect({ q, total: have.total, ids: ids(have.results) }).toEqual({ q, total: want.total, ids: ids(want.results) });
			}
			expect({ q, ids: ids(a.suggestSoFar(q)) }).toEqual({ q, ids: ids(reference.suggest(q)) });
			expect({ q, ids: ids(await a.suggestAsync(q)) }).toEqual({ q, ids: ids(reference.suggest(q)) });
		}
	});

	it('a digest that lands once the index is ready is waited for by the next search, which finds it', async () => {
		const file = '2016/06/01.md';
		a.setFile(file, parseDigest(digestMarkdown('2016-06-01', [{ id: '1606.99999', title: 'Gaussian Splatting Zebrafish', votes: 5000 }]), file));
		expect(a.searchReady()).toBe(false);
		const got = await a.searchAsync('gaussian splatting', { limit: 1 });
		expect(got.total).toBe(big.splatting.length + 1);
		expect(ids(got.results)).toEqual(['1606.99999']);
		expect(ids(a.suggestSoFar('zebraf'))).toEqual(['1606.99999']);
	});

	it('lists the vocabulary by prefix in sorted order, as one sorted array would, however adds and reads interleave', () => {
		const letter = fc.constantFrom('a', 'b', 'ab', 'ç', '1', '𝒜', 'é', 'z');
		const word = fc.array(letter, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.uniqueArray(word, { maxLength: 12 }), word, fc.boolean()), { maxLength: 8 }), (steps) => {
				const v = new Vocabulary();
				const all = new Set<string>();
				for (const [keys, prefix, tidy] of steps) {
					for (const k of keys) {
						if (all.has(k)) continue;
						all.add(k);
						v.add(k);
					}
					if (tidy) v.tidy(Number.POSITIVE_INFINITY);
					for (const p of [prefix, prefix.slice(0, 1)]) {
						expect([...v.withPrefix(p)]).toEqual([...all].sort().filter((k) => k.startsWith(p)));
					}
				}
			}),
		);
	});
});
