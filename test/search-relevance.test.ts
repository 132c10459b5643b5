import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArchive } from '../src/archive/load.ts';
import type { Archive } from '../src/archive/archive.ts';
import { queryTerms, squeezeHangul } from '../src/archive/tokens.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { writeDigest, type FixturePaper } from './helpers/digests.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus/daily_papers_ko');
const present = existsSync(CORPUS);
if (!present) console.warn(`judged search queries skipped: ${CORPUS} is absent (CI has it; see ../shared/corpus/SOURCES.md)`);
const judged = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/search-judged.json'), 'utf8')) as {
	queries: Array<{ query: string; topic: string; relevant: string[] }>;
};

describe('Korean spacing and relevance in /search', () => {
	let dir: string;
	let archive: Archive;
	const papers: FixturePaper[] = [
		{ id: '2501.00001', title: 'Joined', votes: 1, new: '강화학습으로 로봇을 제어합니다.' },
		{ id: '2501.00002', title: 'Spaced', votes: 2, new: '강화 학습 기반의 정책을 제안합니다.' },
		{ id: '2501.00003', title: 'Apart', votes: 90, new: '트레이닝을 강화하고, 새로운 학습 방법을 씁니다.' },
		{ id: '2501.00004', title: 'Unrelated', votes: 80, new: '이미지 생성 모델입니다.' },
		{ id: '2501.00005', title: 'Diffusion transformers for video', votes: 3 },
		{ id: '2501.00006', title: 'Scaling video models', votes: 50, details: 'A diffusion backbone.' },
		{ id: '2501.00007', title: 'Language agents', votes: 70, details: 'Uses diffusion for video planning.' },
	];
	beforeAll(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'paperboy-relevance-'));
		await writeDigest(dir, '2025-01-07', papers);
		archive = await loadArchive(dir);
	});
	afterAll(async () => rm(dir, { recursive: true, force: true }));
	const ids = (q: string) => archive.search(q, { limit: 10 }).results.map((p) => p.id);

	it('a compound is found whether the text spaces it or not, and typed either way', () => {
		expect(ids('강화학습').sort()).toEqual(['2501.00001', '2501.00002']);
		// Typed apart: the compound first, then papers with the words apart, however many votes they have.
		expect(ids('강화 학습').slice(0, 2).sort()).toEqual(['2501.00001', '2501.00002']);
		expect(ids('강화 학습')).toContain('2501.00003');
		expect(ids('강화 학습')).not.toContain('2501.00004');
	});

	it('the more of the words a title holds, the higher; votes break ties', () => {
		expect(ids('diffusion video')).toEqual(['2501.00005', '2501.00006', '2501.00007']);
	});

	it('joins Hangul words typed apart, only across spaces', () => {
		expect(queryTerms('강화 학습 RL')).toEqual(['강화학습', 'rl']);
		expect(queryTerms('강화, 학습')).toEqual(['강화', '학습']);
		expect(squeezeHangul('강화 학습과 RL 모델')).toBe('강화학습과 RL 모델');
	});
});

describe.skipIf(!present)('judged queries on the real corpus (daily_papers_ko)', () => {
	let archive: Archive;
	beforeAll(async () => {
		archive = await loadArchive(CORPUS);
	}, 120_000);

	it.each(judged.queries)('$query ($topic): at least 8 of the first 10 are relevant', ({ query, relevant }) => {
		const top = archive.search(query, { limit: 10 }).results.map((p) => p.id);
		const hits = top.filter((id) => relevant.includes(id)).length;
		const precision = hits / Math.max(1, top.length);
		console.info(`judged query ${query}: precision@${top.length} ${precision.toFixed(2)}`);
		expect(precision).toBeGreaterThanOrEqual(0.8);
	});

	it('강화학습 and 강화 학습 lead with the same papers', () => {
		expect(archive.search('강화 학습', { limit: 10 }).results.map((p) => p.id)).toEqual(archive.search('강화학습', { limit: 10 }).results.map((p) => p.id));
	});
});

describe('a channel topic filter matches Korean as /search does', () => {
	it('a compound fits the text whether it spaces it or not', async () => {
		const { passesTopics } = await import('../src/archive/topics.ts');
		const paper = (text: string) => ({
			id: '2501.00001',
			title: 'T',
			url: '',
			votes: 1,
			authors: [],
			thumbnail: null,
			summary: [{ label: null, text }],
			date: '2025-01-07',
			dates: ['2025-01-07'],
		});
		expect(passesTopics(paper('강화 학습 기반의 정책'), { include: ['강화학습'] })).toBe(true);
		expect(passesTopics(paper('강화학습으로 제어'), { include: ['강화학습'] })).toBe(true);
		expect(passesTopics(paper('트레이닝을 강화하고 학습'), { include: ['강화학습'] })).toBe(false);
		expect(passesTopics(paper('강화 학습 기반'), { exclude: ['강화학습'] })).toBe(false);
	});
});
