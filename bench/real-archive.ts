import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listDigestFiles, loadArchive } from '../src/archive/load.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { addDays } from '../src/time/dates.ts';
import { writeSyntheticArchive } from './synthetic.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const NEW_ID = /^(\d{2})(\d{2}\.\d{4,5})$/;

/*
 * How far a copy's arXiv ids move their year. The corpora hold about a hundred days (1,400
 * papers), so ten years take 35 copies: ten years a copy for the first ten, then three more per
 * ten copies, so the copies' ids stay apart while the corpus's own ids span fewer than three
 * years (a pair of ids differing only in such a year may still meet; the benches count papers
 * from what the index holds, not from here).
 */
const yearsOn = (copy: number) => 10 * (copy % 10) + 3 * Math.floor(copy / 10);

/** The same items in an order fixed by `seed` (Fisher-Yates over a small seeded generator). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
	const out = [...items];
	let state = seed * 0x9e3779b9;
	const next = () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}

/** One day in the producer's canonical shape, as the reader reads it back. */
function canonical(date: string, papers: readonly ArchivedPaper[]): string {
	const out = [`## Daily Papers (${date})`, ''];
	for (const p of papers) {
		out.push(`### [${p.title.replace(/[[\]]/g, '')}](https://arxiv.org/abs/${p.id})`, '');
		if (p.thumbnail) out.push(`![](${p.thumbnail})`, '');
		if (p.votes !== null) out.push(`Vote: ${p.votes}`, '');
		if (p.authors.length) out.push(`Authors: ${p.authors.join(', ')}`, '');
		for (const s of p.summary) out.push(s.label ? `- ***${s.label}***: ${s.text}` : `- ${s.text}`);
		out.push('');
	}
	return out.join('\n');
}

/**
 * A ten-year archive of real text: the shared corpora's days (both formats), copied as many
 * times as it takes to fill `days` dates, each copy's dates moved on by the corpus's span and
 * its arXiv ids by ten years, so every copy's papers are papers of their own, and each copy's
 * papers dealt out to other days than the first copy's. Without the
 * corpora (a fresh clone), the template archive, with a warning: it takes about a third of the
 * memory per paper that real digests take.
 */
export async function writeRealTextArchive(
	dir: string,
	days = 3650,
	log: (line: string) => void = () => {},
): Promise<{ files: number; papers: number; real: boolean; ids: string[] }> {
	const sources = ['daily_papers_ko', 'hf_daily_papers_lim4349/posts'].map((s) => path.join(CORPUS, s)).filter((s) => existsSync(s));
	if (sources.length === 0) {
		log(`warning: ${CORPUS} is absent; the archive is built from templates, which flatter memory`);
		const r = await writeSyntheticArchive(dir, days);
		const written = await loadArchive(dir);
		const ids = written.dates().flatMap((d) => written.digest(d)?.papers.map((p) => p.id) ?? []);
		return { files: r.files, papers: ids.length, real: false, ids };
	}
	const byDate = new Map<string, ArchivedPaper[]>();
	for (const s of sources) {
		const a = await loadArchive(s);
		for (const date of a.dates()) byDate.set(date, [...(byDate.get(date) ?? []), ...(a.digest(date)?.papers ?? [])]);
	}
	const dates = [...byDate.keys()].sort();
	const first = dates[0] ?? '2024-01-01';
	const span = Math.round((Date.parse(dates.at(-1) ?? first) - Date.parse(first)) / 86_400_000) + 1;
	let files = 0;
	const ids: string[] = [];
	const pool = dates.flatMap((date) => byDate.get(date) ?? []);
	for (let copy = 0; files < days; copy++) {
		// Each copy after the first deals the papers out to other days, so no two copies' days read alike.
		const dealt = copy === 0 ? pool : shuffled(pool, copy);
		let at = 0;
		for (const date of dates) {
			if (files >= days) break;
			const moved = addDays(date, copy * span);
			const count = byDate.get(date)?.length ?? 0;
			const day = [...new Map(dealt.slice(at, at + count).map((p) => [p.id, p])).values()];
			at += count;
			const shifted = day.flatMap((p) => {
				const m = NEW_ID.exec(p.id);
				if (!m) return copy === 0 ? [p] : [];
				const id = `${String((Number(m[1]) + yearsOn(copy)) % 100).padStart(2, '0')}${m[2]}`;
				return [{ ...p, id }];
			});
			const [y, mo, d] = moved.split('-');
			await mkdir(path.join(dir, y!, mo!), { recursive: true });
			await writeFile(path.join(dir, y!, mo!, `${d}.md`), canonical(moved, shifted));
			files += 1;
			for (const p of shifted) ids.push(p.id);
		}
	}
	return { files, papers: ids.length, real: true, ids };
}

export interface BenchFolder {
	dir: string;
	files: number;
	bytes: number;
	/** Real text, or the templates (no corpus here); a given folder counts as real. */
	real: boolean;
	/** Every paper appearance's id, in the order written; a given folder is read for them only when asked (`ids`). */
	ids?: string[];
	/** What the figures were measured on, for the report. */
	label: string;
}

/**
 * The archive a bench section runs on: `archiveDir` when given (any digest folder), else a
 * generated one of real text under `scratch`, `days` files long (ten years by default).
 */
export async function benchFolder(
	opts: { archiveDir?: string; days?: number; ids?: boolean },
	scratch: string,
	log: (line: string) => void = () => {},
): Promise<BenchFolder> {
	if (opts.archiveDir) {
		const dir = path.resolve(opts.archiveDir);
		const { files, bytes } = await sizeOf(dir);
		const folder = { dir, files, bytes, real: true, label: `${dir}: ${files} files` };
		if (!opts.ids) return folder;
		const read = await loadArchive(dir);
		const ids = read.dates().flatMap((d) => read.digest(d)?.papers.map((p) => p.id) ?? []);
		read.close();
		return { ...folder, ids };
	}
	const dir = path.join(scratch, 'digests');
	await mkdir(dir, { recursive: true });
	const written = await writeRealTextArchive(dir, opts.days ?? 3650, log);
	return { dir, ...written, bytes: (await sizeOf(dir)).bytes, label: `${written.real ? 'real text' : 'templates'}: ${written.files} files` };
}

async function sizeOf(dir: string): Promise<{ files: number; bytes: number }> {
	const listed = await listDigestFiles(dir);
	let bytes = 0;
	for (const file of listed) bytes += (await stat(path.join(dir, file))).size;
	return { files: listed.length, bytes };
}
