import { describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { parseDigest } from '../src/digest/parse.ts';

function digest(date: string, papers: { id: string; title: string; votes?: number | null; authors?: string[]; text?: string }[]): string {
	const body = papers.map(
		(p) =>
			`### [${p.title}](https://arxiv.org/abs/${p.id})\n\nVote: ${p.votes ?? '-'}\n\nAuthors: ${(p.authors ?? ['Ann Lee']).join(', ')}\n\n- ***What's New***: ${p.text ?? 'summary text'}\n`,
	);
	return `## Daily Papers (${date})\n\n${body.join('\n')}`;
}

function archiveOf(files: Record<string, string>): Archive {
	const a = new Archive();
	for (const [file, text] of Object.entries(files)) a.setFile(file, parseDigest(text, file));
	return a;
}

describe('archive/archive', () => {
	const base = () =>
		archiveOf({
			'2024/12/01.md': digest('2024-12-01', [
				{ id: '2412.00001', title: 'Gaussian Splatting for Cities', votes: 5, text: '대규모 언어모델을 활용한 장면 재구성' },
				{ id: '2412.00002', title: 'Tiny Reasoners', votes: 30, authors: ['Mina Park', 'Joe Bloggs'] },
			]),
			'2024/12/02.md': digest('2024-12-02', [
				{ id: '2412.00001', title: 'Gaussian Splatting for Cities', votes: 12, text: '대규모 언어모델을 활용한 장면 재구성' },
				{ id: '2412.00003', title: 'Sparse Attention Again', votes: null, text: 'splatting is mentioned in the summary' },
			]),
			'2024/11/01.md': digest('2024-11-01', [{ id: '2411.00009', title: 'Old But Popular', votes: 99 }]),
		});

	it('keeps every date a paper appeared on, with its newest appearance', () => {
		const p = base().paper('https://arxiv.org/abs/2412.00001v2');
		expect(p?.dates).toEqual(['2024-12-02', '2024-12-01']);
		expect(p?.date).toBe('2024-12-02');
		expect(p?.votes).toBe(12);
	});

	it('lists dates newest first and gives each digest its own day’s fields', () => {
		const a = base();
		expect(a.dates()).toEqual(['2024-12-02', '2024-12-01', '2024-11-01']);
		expect(a.latestDate()).toBe('2024-12-02');
		const day = a.digest('2024-12-01');
		expect(day?.papers.map((p) => [p.id, p.votes, p.date])).toEqual([
			['2412.00001', 5, '2024-12-01'],
			['2412.00002', 30, '2024-12-01'],
		]);
		expect(day?.papers[0]?.dates).toEqual(['2024-12-02', '2024-12-01']);
		expect(a.digest('2020-01-01')).toBeUndefined();
	});

	it('ranks top by votes within the period ending at the date, each paper once with its best votes', () => {
		const a = base();
		expect(a.top({ period: 'week' }).map((p) => [p.id, p.votes])).toEqual([
			['2412.00002', 30],
			['2412.00001', 12],
			['2412.00003', null],
		]);
		expect(a.top({ period: 'day', date: '2024-12-01' }).map((p) => p.id)).toEqual(['2412.00002', '2412.00001']);
		expect(a.top({ period: 'all', limit: 1 }).map((p) => p.id)).toEqual(['2411.00009']);
		expect(a.top({ period: 'month', date: '2024-11-30' }).map((p) => p.id)).toEqual(['2411.00009']);
		expect(a.top({ period: 'week', date: '2024-11-30' })).toEqual([]);
	});

	it('shows a top paper as it appeared on its best-voted day in the period, not a later day', () => {
		const a = archiveOf({
			'2024/12/09.md': digest('2024-12-09', [{ id: '2412.04887', title: 'First Title', votes: 20, text: 'first summary' }]),
			'2024/12/10.md': digest('2024-12-10', [{ id: '2412.04887', title: 'Revised Title', votes: 5, text: 'revised summary' }]),
		});
		const day = a.top({ period: 'day', date: '2024-12-09' })[0];
		expect([day?.date, day?.title, day?.votes, day?.summary[0]?.text]).toEqual(['2024-12-09', 'First Title', 20, 'first summary']);
		expect(day?.dates).toEqual(['2024-12-10', '2024-12-09']);
		const week = a.top({ period: 'week', date: '2024-12-10' })[0];
		expect([week?.date, week?.title, week?.votes]).toEqual(['2024-12-09', 'First Title', 20]);
		const all = a.top({ period: 'all' })[0];
		expect([all?.date, all?.title, all?.votes]).toEqual(['2024-12-09', 'First Title', 20]);
		const next = a.top({ period: 'day', date: '2024-12-10' })[0];
		expect([next?.date, next?.title, next?.votes]).toEqual(['2024-12-10', 'Revised Title', 5]);
		expect(a.paper('2412.04887')?.title).toBe('Revised Title');
	});

	it('searches title, authors and summary with every word required, title matches first', () => {
		const a = base();
		expect(a.search('splatting').results.map((p) => p.id)).toEqual(['2412.00001', '2412.00003']);
		expect(a.search('gaussian cities').total).toBe(1);
		expect(a.search('gaussian nothing').total).toBe(0);
		expect(a.search('mina park').results.map((p) => p.id)).toEqual(['2412.00002']);
		expect(a.search('SPLAT').total).toBe(2);
	});

	it('finds Korean words inside longer words and not bigram look-alikes', () => {
		const a = base();
		expect(a.search('언어모델').results.map((p) => p.id)).toEqual(['2412.00001']);
		expect(a.search('모델').total).toBe(1);
		expect(a.search('재구성').total).toBe(1);
		expect(a.search('델모').total).toBe(0);
		expect(a.search('모델언어').total).toBe(0);
	});

	it('confirms Korean words in text written decomposed, as NFKC reads it', () => {
		const nfd = '대규모 언어모델을 활용한'.normalize('NFD');
		const a = archiveOf({ '2024/12/03.md': digest('2024-12-03', [{ id: '2412.00020', title: 'Decomposed', text: nfd }]) });
		expect(a.search('언어모델').total).toBe(1);
		expect(a.search('모델언어').total).toBe(0);
	});

	it('finds a short Latin word that a Korean particle follows', () => {
		const a = archiveOf({
			'2024/08/22.md': digest('2024-08-22', [{ id: '2408.11878', title: 'Open Finance Models', text: '금융 AI의 발전과 3D와 o1을 다룬다' }]),
		});
		expect(a.search('AI').total).toBe(1);
		expect(a.search('3D').total).toBe(1);
		expect(a.search('o1').total).toBe(1);
		expect(a.search('AI의').total).toBe(1);
	});

	it('ranks and pages like a full sort: title matches first, then votes, then newest, then id', () => {
		const papers = Array.from({ length: 120 }, (_, i) => ({
			id: `2412.${String(i + 100).padStart(5, '0')}`,
			title: i % 3 === 0 ? `Splatting study ${i}` : `Study ${i}`,
			votes: i % 7 === 0 ? null : (i * 37) % 11,
			text: i % 2 === 0 ? 'splatting in the summary' : 'nothing of note',
		}));
		const a = archiveOf({
			'2024/12/10.md': digest('2024-12-10', papers.slice(0, 60)),
			'2024/12/11.md': digest('2024-12-11', papers.slice(60)),
		});
		const date = (i: number) => (i < 60 ? '2024-12-10' : '2024-12-11');
		const expected = papers
			.map((p, i) => ({ ...p, i }))
			.filter((p) => p.title.startsWith('Splatting') || p.text.startsWith('splatting'))
			.sort(
				(x, y) =>
					Number(y.title.startsWith('Splatting')) - Number(x.title.startsWith('Splatting')) ||
					(y.votes ?? -1) - (x.votes ?? -1) ||
					(date(x.i) < date(y.i) ? 1 : date(x.i) > date(y.i) ? -1 : 0) ||
					(x.id < y.id ? -1 : 1),
			)
			.map((p) => p.id);
		for (const [offset, limit] of [
			[0, 10],
			[5, 3],
			[0, 200],
			[75, 10],
			[79, 5],
		] as const) {
			const r = a.search('splatting', { offset, limit });
			expect(r.total).toBe(expected.length);
			expect(r.results.map((p) => p.id)).toEqual(expected.slice(offset, offset + limit));
		}
		const titled = expected.filter((id) => papers.find((p) => p.id === id)?.title.startsWith('Splatting'));
		expect(a.suggest('splat', 25).map((p) => p.id)).toEqual(titled.slice(0, 25));
	});

	it('finds a changed paper by its new words at once, and no longer by its old ones', () => {
		const a = base();
		expect(a.search('splatting').total).toBe(2);
		for (const date of ['2024-12-01', '2024-12-02']) {
			const file = `2024/12/${date.slice(-2)}.md`;
			a.setFile(file, parseDigest(digest(date, [{ id: '2412.00001', title: 'Urban Meshes', votes: 5 }]), file));
		}
		expect(a.search('urban').results.map((p) => p.id)).toEqual(['2412.00001']);
		expect(a.search('splatting').total).toBe(0);
		expect(a.search('gaussian').total).toBe(0);
	});

	it('ranks a paper by its new votes once its digest is rewritten, found once, not at its old rank too', () => {
		const day = (a: number, b: number) =>
			digest('2024-12-20', [
				{ id: '2412.00031', title: 'Voxel Fields', votes: a, text: 'voxel study' },
				{ id: '2412.00032', title: 'Voxel Grids', votes: b, text: 'voxel study' },
			]);
		const a = archiveOf({ '2024/12/20.md': day(3, 9) });
		expect(a.search('voxel').results.map((p) => p.id)).toEqual(['2412.00032', '2412.00031']);
		expect(a.suggest('vox').map((p) => p.id)).toEqual(['2412.00032', '2412.00031']);
		a.setFile('2024/12/20.md', parseDigest(day(40, 9), '2024/12/20.md'));
		const r = a.search('voxel');
		expect(r.total).toBe(2);
		expect(r.results.map((p) => [p.id, p.votes])).toEqual([
			['2412.00031', 40],
			['2412.00032', 9],
		]);
		expect(a.suggest('vox').map((p) => p.id)).toEqual(['2412.00031', '2412.00032']);
	});

	it('reads a one-syllable Hangul word as the keys it begins, and weighs a long query by its first words', () => {
		const a = archiveOf({
			'2024/12/21.md': digest('2024-12-21', [
				{ id: '2412.00041', title: '강화 fine tuning', votes: 1, text: '강화학습 방법' },
				{ id: '2412.00042', title: 'Plain', votes: 2, text: '데이터 보강' },
			]),
		});
		// "강" begins the key "강화" and only ends "보강": the start of a word or of its bigrams, as a member types it.
		expect(a.suggest('강').map((p) => p.id)).toEqual(['2412.00041']);
		expect(a.search('강').results.map((p) => p.id)).toEqual(['2412.00041']);
		// Six words: all are required, the first four weigh in the ranking.
		expect(a.search('fine tuning 강화 방법 강화학습 ann').results.map((p) => p.id)).toEqual(['2412.00041']);
		expect(a.search('fine tuning 강화 방법 강화학습 nobody').total).toBe(0);
	});

	it('pages search results with limit and offset', () => {
		const r = base().search('splatting', { limit: 1, offset: 1 });
		expect(r.total).toBe(2);
		expect(r.results.map((p) => p.id)).toEqual(['2412.00003']);
	});

	it('suggests by id prefix and by title words, the last one as a prefix', () => {
		const a = base();
		expect(a.suggest('2412.0000').map((p) => p.id)).toEqual(['2412.00001', '2412.00002', '2412.00003']);
		expect(a.suggest('tiny reas').map((p) => p.id)).toEqual(['2412.00002']);
		expect(a.suggest('gau', 1)).toHaveLength(1);
		expect(a.suggest('').map((p) => p.id)).toEqual(['2412.00001', '2412.00003']);
	});

	it('replaces a changed file without touching the others, and forgets a removed one', () => {
		const a = base();
		a.setFile('2024/12/02.md', parseDigest(digest('2024-12-02', [{ id: '2412.00004', title: 'Brand New', votes: 1 }]), '2024/12/02.md'));
		expect(a.paper('2412.00003')).toBeUndefined();
		expect(a.paper('2412.00001')?.dates).toEqual(['2024-12-01']);
		expect(a.search('brand').total).toBe(1);
		expect(a.search('sparse').total).toBe(0);
		a.removeFile('2024/12/01.md');
		expect(a.paper('2412.00001')).toBeUndefined();
		expect(a.dates()).toEqual(['2024-12-02', '2024-11-01']);
		expect(a.stats()).toEqual({ files: 2, digests: 2, papers: 2 });
	});

	it('merges two files of one date by id and warns naming both', () => {
		const a = archiveOf({
			'a/README.md': digest('2024-12-05', [{ id: '2412.00010', title: 'One', votes: 1 }]),
			'2024/12/05.md': digest('2024-12-05', [
				{ id: '2412.00010', title: 'One', votes: 1 },
				{ id: '2412.00011', title: 'Two', votes: 2 },
			]),
		});
		expect(a.digest('2024-12-05')?.papers.map((p) => p.id)).toEqual(['2412.00010', '2412.00011']);
		expect(a.digest('2024-12-05')?.files).toEqual(['2024/12/05.md', 'a/README.md']);
		const warning = a.problems().find((p) => p.level === 'warning');
		expect(warning?.message).toContain('2024/12/05.md');
		expect(warning?.file).toBe('a/README.md');
		expect(a.digests().map((d) => d.file)).toEqual(['2024/12/05.md', 'a/README.md']);
	});

	it('counts a file with no digest among files and its problem among problems', () => {
		const a = archiveOf({ 'notes.md': '# nothing here' });
		expect(a.stats()).toEqual({ files: 1, digests: 0, papers: 0 });
		expect(a.problems()).toHaveLength(1);
		expect(a.latestDate()).toBeUndefined();
		expect(a.top({ period: 'week' })).toEqual([]);
	});

	it('brings a paper read on several days of a batch up to date at its commit, and drops what was ranked meanwhile', () => {
		const a = new Archive();
		a.setFile('2024/12/01.md', parseDigest(digest('2024-12-01', [{ id: '2412.00001', title: 'Old Title', votes: 3 }]), '2024/12/01.md'));
		expect(a.top({ period: 'all' }).map((p) => [p.id, p.votes])).toEqual([['2412.00001', 3]]);
		a.batch(true);
		a.setFile('2024/12/02.md', parseDigest(digest('2024-12-02', [{ id: '2412.00001', title: 'New Title', votes: 40 }]), '2024/12/02.md'));
		a.setFile('2024/12/03.md', parseDigest(digest('2024-12-03', [{ id: '2412.00002', title: 'Another', votes: 7 }]), '2024/12/03.md'));
		// Asked while the batch is open (a command during a first start), and cached: the papers' entries wait for the commit.
		expect(a.top({ period: 'all' }).map((p) => [p.id, p.votes])).toEqual([['2412.00001', 3]]);
		a.batch(false);
		const paper = a.paper('2412.00001');
		expect(paper?.dates).toEqual(['2024-12-02', '2024-12-01']);
		expect(paper?.title).toBe('New Title');
		expect(a.top({ period: 'all' }).map((p) => [p.id, p.votes])).toEqual([
			['2412.00001', 40],
			['2412.00002', 7],
		]);
		expect(a.search('new title').results.map((p) => p.id)).toEqual(['2412.00001']);
		expect(a.search('old').total).toBe(0);
		expect(a.digest('2024-12-01')?.papers[0]?.dates).toEqual(['2024-12-02', '2024-12-01']);
	});
});
