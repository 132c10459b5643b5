import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyStream, keysOf, normalise, words } from '../src/archive/tokens.ts';
import { markdownFiles } from './helpers/markdown-files.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);

/*
 * The key stream as the regexes define it: the scanner the index is fed by must give exactly
 * this, or a query (planned from the same regexes' words) would miss what the index holds.
 */
const RUNS_RE = /\p{Script=Hangul}+|(?:(?!\p{Script=Hangul})[\p{L}\p{N}])+/gu;
const hangul = (s: string) => /^\p{Script=Hangul}/u.test(s);
function referenceKeyStream(text: string): string {
	const norm = normalise(text);
	const out: string[] = [];
	let prev = '';
	let prevEnd = -1;
	for (const m of norm.matchAll(RUNS_RE)) {
		const w = m[0];
		const start = m.index ?? 0;
		if (prev && hangul(prev) && hangul(w) && /^[ \t\u00a0]+$/.test(norm.slice(prevEnd, start))) out.push(`${prev.slice(-1)}${w.slice(0, 1)}`);
		out.push(...keysOf(w));
		prev = w;
		prevEnd = start + w.length;
	}
	return out.join(' ');
}

// What the scanner classes by hand or by cache, and what NFKC or case folding changes on the way.
const PIECES = [
	'강화',
	'학습',
	'언어모델은',
	'가',
	'힣',
	'ᄀ',
	'ᅡ',
	'ㄱ',
	'ㅏ',
	'ﾡ',
	'〮',
	'㈀',
	'㉠',
	'ꥠ',
	'ힰ',
	'AI를',
	'GPT-4o의',
	'Qwen2.5',
	'naïve',
	'İ',
	'Ψ',
	'ｆｕｌｌ',
	'①',
	'²',
	'中文',
	'日本',
	'é',
	'e\u0301',
	'\u0301',
	'😀',
	'𝐀',
	'𠀀',
	'\ud800',
	'\udc00',
	' ',
	'  ',
	'\t',
	'\u00a0',
	'\u3000',
	'\n',
	'-',
	'.',
	'_',
	'(',
	'**',
	'',
];

describe('archive/tokens', () => {
	it('splits a Korean particle from the Latin word or number it follows', () => {
		expect(words('3D와 AI를 GPT-4o의 LLM은')).toEqual(['3d', '와', 'ai', '를', 'gpt', '4o', '의', 'llm', '은']);
	});

	it('keeps a Hangul run whole and indexes it by bigrams', () => {
		expect(words('금융 AI의 언어모델은')).toEqual(['금융', 'ai', '의', '언어모델은']);
		expect(keyStream('언어모델은')).toBe('언어 어모 모델 델은');
	});

	it('keeps Latin letters and digits of other scripts together', () => {
		expect(words('Qwen2.5-VL naïve Ψ-net')).toEqual(['qwen2', '5', 'vl', 'naïve', 'ψ', 'net']);
	});

	it('gives the keys across a space between Hangul words, and spacing does not change them', () => {
		expect(keyStream('강화 학습')).toBe('강화 화학 학습');
		expect(keyStream('강화학습')).toBe('강화 화학 학습');
		expect(keyStream('강화\t 학습, RL')).toBe('강화 화학 학습 rl');
		expect(keyStream('강화. 학습')).toBe('강화 학습');
	});

	it('streams the keys the regexes define, on every line of the corpus', () => {
		const files = [...markdownFiles(path.resolve(import.meta.dirname, '../data')), ...markdownFiles(CORPUS)];
		if (!existsSync(CORPUS)) console.warn(`key-stream check: ${CORPUS} is absent; the shipped examples only`);
		let lines = 0;
		for (const file of files) {
			for (const line of readFileSync(file, 'utf8').split('\n')) {
				lines += 1;
				if (keyStream(line) !== referenceKeyStream(line)) expect({ file, line, keys: keyStream(line) }).toEqual({ file, line, keys: referenceKeyStream(line) });
			}
		}
		expect(lines).toBeGreaterThan(0);
	});

	it('streams the keys the regexes define, on text made of every kind of character', () => {
		const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 }).map((xs) => xs.join(''));
		fc.assert(
			fc.property(text, (t) => keyStream(t) === referenceKeyStream(t)),
			{ numRuns: RUNS * 5 },
		);
	});
});
