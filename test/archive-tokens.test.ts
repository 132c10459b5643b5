import { describe, expect, it } from 'vitest';
import { indexKeys, words } from '../src/archive/tokens.ts';

describe('archive/tokens', () => {
	it('splits a Korean particle from the Latin word or number it follows', () => {
		expect(words('3D와 AI를 GPT-4o의 LLM은')).toEqual(['3d', '와', 'ai', '를', 'gpt', '4o', '의', 'llm', '은']);
	});

	it('keeps a Hangul run whole and indexes it by bigrams', () => {
		expect(words('금융 AI의 언어모델은')).toEqual(['금융', 'ai', '의', '언어모델은']);
		expect([...indexKeys('언어모델은')]).toEqual(['언어', '어모', '모델', '델은']);
	});

	it('keeps Latin letters and digits of other scripts together', () => {
		expect(words('Qwen2.5-VL naïve Ψ-net')).toEqual(['qwen2', '5', 'vl', 'naïve', 'ψ', 'net']);
	});
});
