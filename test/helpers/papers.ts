import type { ArchivedPaper } from '../../src/digest/schema.ts';

/**
 * One archived paper as the renderers and the planner receive it: a real one from a 2024
 * digest, with a Korean summary under the producer's usual labels. A different `id` gets its
 * own arXiv link unless `url` is given too.
 */
export function paper(overrides: Partial<ArchivedPaper> = {}): ArchivedPaper {
	const id = overrides.id ?? '2412.04887';
	return {
		id,
		title: 'Momentum-GS: Momentum Gaussian Self-Distillation for High-Quality Large Scene Reconstruction',
		url: `https://arxiv.org/abs/${id}`,
		votes: 10,
		authors: ['Wanhua Li', 'Jixuan Fan', 'Yansong Tang', 'Yifei Han'],
		thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png`,
		summary: [
			{ label: "What's New", text: '이 논문에서는 Momentum-GS라는 새로운 접근 방식을 소개합니다.' },
			{ label: 'Technical Details', text: '하이브리드 표현 방식을 사용합니다.' },
		],
		date: '2024-12-09',
		dates: ['2024-12-09'],
		...overrides,
	};
}
