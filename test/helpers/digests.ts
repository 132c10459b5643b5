import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FixturePaper {
	id: string;
	title: string;
	votes?: number;
	authors?: string[];
	new?: string;
	details?: string;
	highlights?: string;
}

/** A digest in the producer's current format: a dated heading, then one linked title and its bullets per paper. */
export function digestMarkdown(date: string, papers: readonly FixturePaper[]): string {
	const parts = [`## Daily Papers (${date})`, ''];
	for (const p of papers) {
		parts.push(
			`### [${p.title}](https://arxiv.org/abs/${p.id})`,
			'',
			`![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${p.id}.png)`,
			'',
			`Vote: ${p.votes ?? 1}`,
			'',
			`Authors: ${(p.authors ?? ['Ada Lovelace', 'Alan Turing']).join(', ')}`,
			'',
			`- ***What's New***: ${p.new ?? `${p.title}에서는 새로운 방법을 제안합니다.`}`,
			`- ***Technical Details***: ${p.details ?? '모델은 두 단계로 학습됩니다.'}`,
			`- ***Performance Highlights***: ${p.highlights ?? '기존 방법보다 12% 향상되었습니다.'}`,
			'',
		);
	}
	return parts.join('\n');
}

/** N papers with ids `YYMM.NNNNN` derived from the date, so every date has its own. */
export function papersFor(date: string, n: number, votes = (i: number) => i + 1): FixturePaper[] {
	const [y = '2024', m = '01', d = '01'] = date.split('-');
	return Array.from({ length: n }, (_, i) => ({
		id: `${y.slice(2)}${m}.${d}${String(i).padStart(3, '0')}`,
		title: `Paper ${i + 1} of ${date}`,
		votes: votes(i),
	}));
}

/** Writes a digest where the archive expects it: `YYYY/MM/DD.md` under `dir`. */
export async function writeDigest(dir: string, date: string, papers: readonly FixturePaper[]): Promise<string> {
	const [y, m, d] = date.split('-');
	const path = join(dir, `${y}/${m}/${d}.md`);
	await mkdir(dirname(path), { recursive: true });
	await writeFile(path, digestMarkdown(date, papers));
	return path;
}

const MB = 1024 * 1024;

/** One dated digest of at least `megabytes`: short papers, many of them, which is what costs a parser most per byte. */
export function bigDigest(date: string, megabytes: number, month = 2301): { text: string; ids: string[] } {
	const parts = [`## Daily Papers (${date})`, ''];
	const ids: string[] = [];
	let size = 0;
	for (let i = 0; size < megabytes * MB; i++) {
		const id = `${month + Math.floor(i / 90_000)}.${10_000 + (i % 90_000)}`;
		const paper = `### [Paper ${i}](https://arxiv.org/abs/${id})\n\nVote: ${i % 500}\n\nAuthors: Ada Lovelace, Alan Turing\n\n- ***What's New***: new ${i}\n- ***Technical Details***: details\n`;
		parts.push(paper);
		ids.push(id);
		size += paper.length + 1;
	}
	return { text: parts.join('\n'), ids };
}
