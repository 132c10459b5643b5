import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { digestMarkdown, type FixturePaper } from './digests.ts';

/** A small deterministic generator, so two runs write the same archive. */
function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'st', 'tr', 'pr', 'gr', 'sp', 'ch', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ia', 'io', 'ea', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'x', 'nt', 'rm', 'st'];
const PARTICLES = ['은', '는', '이', '가', '을', '를', '의', '에서', '으로', '와', '하는', '합니다', '했습니다'];

/** Text that looks like real digests to the index: a large Zipf-like vocabulary in English and Korean, mixed. */
class Words {
	private readonly en: string[] = [];
	private readonly ko: string[] = [];
	constructor(private readonly random: () => number) {
		const syllables: string[] = [];
		for (let i = 0; i < 400; i++) syllables.push(String.fromCharCode(0xac00 + Math.floor(random() * 11172)));
		for (let i = 0; i < 30_000; i++) {
			const n = 2 + Math.floor(random() * 3);
			let w = '';
			for (let j = 0; j < n; j++) w += this.pick(ONSETS) + this.pick(VOWELS) + (j === n - 1 ? this.pick(CODAS) : '');
			this.en.push(w);
		}
		for (let i = 0; i < 8000; i++) {
			const n = 2 + Math.floor(random() * 3);
			let w = '';
			for (let j = 0; j < n; j++) w += this.pick(syllables);
			this.ko.push(w);
		}
	}
	private pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.random() * list.length)] as T;
	}
	/** Common words often, rare ones rarely: the index sees a vocabulary that keeps growing. */
	private zipf(list: readonly string[]): string {
		return list[Math.floor(list.length * this.random() ** 3)] as string;
	}
	english(n: number): string[] {
		return Array.from({ length: n }, () => this.zipf(this.en));
	}
	sentence(words: number): string {
		const out: string[] = [];
		for (let i = 0; i < words; i++) out.push(this.random() < 0.25 ? this.zipf(this.en) : this.zipf(this.ko) + this.pick(PARTICLES));
		return `${out.join(' ')}.`;
	}
	name(): string {
		const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
		return `${cap(this.pick(this.en))} ${cap(this.pick(this.en))}`;
	}
}

export interface LargeArchive {
	/** Each day's digest: its date, where it is written under the folder, and its markdown. */
	digests: { date: string; file: string; markdown: string }[];
	papers: number;
	/** Ids of the papers whose title says "Gaussian Splatting", the query a test can count on. */
	splatting: string[];
}

/**
 * `days` digests of `perDay` papers each from the first of January 2015 on, with generated
 * titles, authors and mixed Korean and English summaries the size of real ones, which index as
 * slowly as real ones do. Every fiftieth paper's title holds "Gaussian Splatting".
 */
export function largeArchive(opts: { days: number; perDay: number; seed?: number }): LargeArchive {
	const random = rng(opts.seed ?? 20150101);
	const words = new Words(random);
	const splatting: string[] = [];
	const digests: LargeArchive['digests'] = [];
	let serial = 0;
	for (let d = 0; d < opts.days; d++) {
		const date = new Date(Date.UTC(2015, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
		const papers: FixturePaper[] = [];
		for (let i = 0; i < opts.perDay; i++) {
			serial += 1;
			const id = `${date.slice(2, 4)}${date.slice(5, 7)}.${String(serial).padStart(5, '0')}`;
			const title = words.english(5 + Math.floor(random() * 8));
			if (serial % 50 === 0) {
				title.splice(2, 0, 'Gaussian', 'Splatting');
				splatting.push(id);
			}
			papers.push({
				id,
				title: title.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '),
				votes: Math.floor(random() * random() * 300),
				authors: Array.from({ length: 3 + Math.floor(random() * 6) }, () => words.name()),
				new: words.sentence(25 + Math.floor(random() * 30)),
				details: words.sentence(40 + Math.floor(random() * 50)),
				highlights: words.sentence(20 + Math.floor(random() * 30)),
			});
		}
		digests.push({ date, file: `${date.slice(0, 4)}/${date.slice(5, 7)}/${date.slice(8)}.md`, markdown: digestMarkdown(date, papers) });
	}
	return { digests, papers: serial, splatting };
}

/** Writes `largeArchive(opts)` under `dir`, laid out `YYYY/MM/DD.md`. */
export async function writeLargeArchive(dir: string, opts: { days: number; perDay: number; seed?: number }): Promise<LargeArchive> {
	const archive = largeArchive(opts);
	for (const d of archive.digests) {
		const file = join(dir, d.file);
		await mkdir(dirname(file), { recursive: true });
		await writeFile(file, d.markdown);
	}
	return archive;
}
