import { describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { parseDigest } from '../src/digest/parse.ts';
import { alertMessage, alertNonce, digestText, followMatches, planAlerts } from '../src/delivery/alert-plan.ts';
import { digestMarkdown, type FixturePaper } from './helpers/digests.ts';

const DATE = '2024-12-11';
const PAPERS: FixturePaper[] = [
	{ id: '2412.11001', title: 'Gaussian Splatting for Whole Cities', votes: 30 },
	{ id: '2412.11002', title: 'Diffusion Models at Scale', votes: 20, new: '강화 학습으로 확산 모델을 미세 조정합니다.' },
	{ id: '2412.11003', title: 'Efficient Transformers', votes: 10, new: '강화학습 없이 언어 모델을 개선합니다.' },
	{ id: '2412.11004', title: 'Robot Arms', votes: 5, authors: ['Grace Hopper'] },
];

function archiveOf(): Archive {
	const archive = new Archive();
	archive.setFile('d.md', parseDigest(digestMarkdown(DATE, PAPERS), 'd.md'));
	return archive;
}

describe('alert planning', () => {
	it('matches a follow exactly as /search matches the query, Korean spacing included', () => {
		const archive = archiveOf();
		const day = digestText(archive.digest(DATE)!.papers);
		for (const query of ['splatting', 'Gaussian  cities', '강화학습', '강화 학습', '확산', 'grace hopper', 'models', 'robots', '!!', 'diffusion 확산']) {
			const searched = archive
				.search(query, { limit: 100 })
				.results.map((p) => p.id)
				.sort();
			const followed = followMatches(day, query)
				.map((i) => day.papers[i]!.id)
				.sort();
			expect(followed, query).toEqual(searched);
		}
		expect(followMatches(day, '강화학습')).toHaveLength(2);
	});

	it('one alert per member whatever the number of follows that match, papers in the digest’s order; follows newer than the digest left out', () => {
		const day = digestText(archiveOf().digest(DATE)!.papers);
		const follow = (query: string, startAfterDate: string | null = null) => ({ query, createdAt: '2024-12-01T00:00:00.000Z', startAfterDate });
		const plans = planAlerts(DATE, day, [
			{ userId: '1', follows: [follow('robot arms'), follow('splatting'), follow('zebra')], locale: 'ko' },
			{ userId: '2', follows: [follow('splatting', DATE)], locale: undefined },
			{ userId: '3', follows: [follow('zebra')], locale: undefined },
		]);
		expect(plans).toHaveLength(1);
		expect(plans[0]).toMatchObject({ userId: '1', locale: 'ko', queries: ['robot arms', 'splatting'] });
		expect(plans[0]!.papers.map((p) => p.id)).toEqual(['2412.11001', '2412.11004']);
	});

	it('a DM lists title, votes and link, in the member’s language, never more than 20 papers, and its nonce fits Discord', () => {
		const papers = archiveOf().digest(DATE)!.papers;
		const many = Array.from({ length: 25 }, (_, i) => ({ ...papers[0]!, id: `2412.2${String(i).padStart(4, '0')}`, title: `Paper ${i}` }));
		const { embeds } = alertMessage(DATE, { userId: '1', locale: 'en-US', papers: many, queries: ['splatting'] });
		const text = JSON.stringify(embeds);
		expect(embeds[0]!.title).toBe(`New papers for your follows — ${DATE}`);
		expect(text).toContain('Paper 19');
		expect(text).not.toContain('Paper 20');
		expect(embeds[0]!.footer?.text).toContain('5 more');
		expect(text).toContain('▲ 30');
		expect(JSON.stringify(alertMessage(DATE, { userId: '1', locale: 'ko', papers: [papers[0]!], queries: ['x'] }).embeds)).toContain('팔로우와 맞는 새 논문');
		expect(alertNonce('330000000000000001', DATE).length).toBeLessThanOrEqual(25);
		expect(alertNonce('330000000000000001', DATE)).toBe(alertNonce('330000000000000001', DATE));
		expect(alertNonce('330000000000000001', DATE)).not.toBe(alertNonce('330000000000000001', '2024-12-12'));
	});
});
