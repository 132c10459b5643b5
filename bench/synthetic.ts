import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDigest } from '../src/digest/parse.ts';
import type { Paper } from '../src/digest/schema.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
// Our own digests only: the corpus is someone else's text and stays out of generated files too.
const TEMPLATES = ['data/2025/01/06.md', 'data/2025/01/07.md', 'test/fixtures/eras.md'];
const PAPERS_PER_DAY = 14;
const START = Date.UTC(2015, 0, 1);

/** A small deterministic generator, so two runs build the same archive. */
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

async function templates(): Promise<Paper[]> {
	const out: Paper[] = [];
	for (const rel of TEMPLATES) {
		const text = await readFile(path.join(ROOT, rel), 'utf8');
		out.push(...(parseDigest(text, rel).digest?.papers ?? []));
	}
	if (out.length === 0) throw new Error('no template papers found for the synthetic archive');
	return out;
}

function renderPaper(p: Paper, id: string, title: string, votes: number | null): string {
	const lines = [`### [${title}](https://arxiv.org/abs/${id})`, ''];
	lines.push(`![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png)`, '');
	lines.push(`Vote: ${votes ?? '-'}`, '');
	if (p.authors.length) lines.push(`Authors: ${p.authors.join(', ')}`, '');
	for (const s of p.summary) lines.push(`- ${s.label ? `***${s.label}***: ` : ''}${s.text.replace(/\n/g, ' ')}`);
	lines.push('');
	return lines.join('\n');
}

/**
 * Writes `days` daily digests laid out `YYYY/MM/DD.md` under `dir`, built from the project's
 * own example papers with fresh ids, titles and votes (about one in twenty repeats a paper
 * from the day before, as real digests do).
 */
export async function writeSyntheticArchive(dir: string, days = 3650): Promise<{ files: number; bytes: number }> {
	const pool = await templates();
	const random = rng(20250101);
	let bytes = 0;
	let serial = 0;
	let yesterday: { id: string; title: string; template: Paper }[] = [];
	for (let d = 0; d < days; d++) {
		const date = new Date(START + d * 86_400_000).toISOString().slice(0, 10);
		const [y, m, day] = date.split('-') as [string, string, string];
		const today: { id: string; title: string; template: Paper }[] = [];
		const parts = [`## Daily Papers (${date})`, ''];
		for (let i = 0; i < PAPERS_PER_DAY; i++) {
			const repeat = yesterday.length > 0 && random() < 0.05 ? yesterday[Math.floor(random() * yesterday.length)] : undefined;
			let entry = repeat;
			if (!entry || today.some((t) => t.id === entry?.id)) {
				serial += 1;
				const template = pool[Math.floor(random() * pool.length)] ?? pool[0]!;
				const id = `${y.slice(2)}${m}.${String(serial % 100_000).padStart(5, '0')}`;
				entry = { id, title: `${template.title} (${serial})`, template };
			}
			today.push(entry);
			const votes = random() < 0.05 ? null : Math.floor(random() * random() * 300);
			parts.push(renderPaper(entry.template, entry.id, entry.title, votes));
		}
		yesterday = today;
		const text = parts.join('\n');
		const folder = path.join(dir, y, m);
		await mkdir(folder, { recursive: true });
		await writeFile(path.join(folder, `${day}.md`), text);
		bytes += Buffer.byteLength(text);
	}
	return { files: days, bytes };
}
