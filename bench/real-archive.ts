import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadArchive } from '../src/archive/load.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { addDays } from '../src/time/dates.ts';
import { writeSyntheticArchive } from './synthetic.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const NEW_ID = /^(\d{2})(\d{2}\.\d{4,5})$/;

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
 * its arXiv ids by ten years, so every copy's papers are papers of their own. Without the
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
	for (let copy = 0; files < days; copy++) {
		for (const date of dates) {
			if (files >= days) break;
			const moved = addDays(date, copy * span);
			const shifted = (byDate.get(date) ?? []).flatMap((p) => {
				const m = NEW_ID.exec(p.id);
				if (!m) return copy === 0 ? [p] : [];
				const id = `${String((Number(m[1]) + 10 * copy) % 100).padStart(2, '0')}${m[2]}`;
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
