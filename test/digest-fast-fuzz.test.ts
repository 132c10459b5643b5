import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inline, inlineText, plainInline } from '../src/digest/markdown.ts';
import { knownValid } from '../src/digest/paper-check.ts';
import { parseDigest, parseDigestFast, parseDigestFull } from '../src/digest/parse.ts';
import { Paper } from '../src/digest/schema.ts';
import { markdownFiles } from './helpers/markdown-files.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);

// Seeds: the shipped examples, and the corpus where it is present; each cut to its first lines, which hold every kind of line.
const seedFiles = [
	...markdownFiles(path.resolve(import.meta.dirname, '../data')),
	...markdownFiles(path.join(CORPUS, 'daily_papers_ko/paper_logs')),
	...markdownFiles(path.join(CORPUS, 'hf_daily_papers_lim4349')),
];
const seeds = seedFiles.map((f) => readFileSync(f, 'utf8').split('\n').slice(0, 90));
if (!existsSync(CORPUS)) console.warn(`fast-path fuzz: ${CORPUS} is absent; mutating the shipped examples only`);

// Lines that mean something to markdown, or to one of the two readers, or to neither.
const CONSTRUCTS = [
	'',
	' ',
	'\t',
	'---',
	'===',
	'***',
	'- - -',
	'```',
	'~~~',
	'    indented code',
	'<div>',
	'<!-- open comment',
	'-->',
	'<video controls src="https://x.y/v.mp4"></video>',
	'> quoted',
	'1. one',
	'10. **Ten** - 👍 3',
	'2. **Wrapped',
	'  title** - 👍 4',
	'* star',
	'+ plus',
	'- [ ] task',
	'- [x] done',
	'- ',
	'-',
	'#',
	'#x',
	'#### four',
	'# Hugging Face Daily Papers - 2025-01-01',
	'# Daily Papers - 2025-02-30',
	'## Daily Papers (2025-01-01)',
	'## Daily Papers (2025-13-01)',
	'## Other things',
	'## 📊 좋아요 순위',
	'### [A new paper](https://arxiv.org/abs/2501.00001)',
	'### [A *starred* paper](https://arxiv.org/abs/2501.00002)',
	'### [No link paper]',
	'### [A [bracketed] title](https://arxiv.org/abs/2501.00009)',
	'### [A [link](https://x.y) in a title](https://arxiv.org/abs/2501.00010)',
	'### [A [ref][x] title](https://arxiv.org/abs/2501.00011)',
	'### [An ![image] title](https://arxiv.org/abs/2501.00012)',
	'### [Nested [[two]] deep](https://arxiv.org/abs/2501.00013)',
	'[x]: https://arxiv.org/abs/2501.00014',
	'### [Example](https://example.com/x)',
	'###[x](https://arxiv.org/abs/2501.00003)',
	'\u200b### [x](https://arxiv.org/abs/2501.00004)',
	'| a | b |',
	'|---|---|',
	'[ref]: https://arxiv.org/abs/2501.00005',
	'![](/avatars/x.svg)',
	'![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00006.png)',
	'![alt](https://x.y/a.mp4)',
	'[Watch Video](https://x.y/v.mp4)',
	'Vote: 12',
	'Vote: abc',
	'Vote: -',
	'Authors: [\'A\', "B"]',
	'Authors: A, B',
	"- ***What's New***: something new",
	'- **Technical Details**: how',
	'- plain bullet with \\*escapes\\* and \\textbf{x}',
	'   - 기관: Lab1.2k',
	'   - [HF 페이지](https://huggingface.co/papers/2501.00007)',
	'   - [논문 링크](https://arxiv.org/abs/2501.00008)',
	'   - Abstract: Text of an abstract.',
	'- Abstract: unindented',
	'총 **3개**의 논문이 수집되었습니다.',
	'Free text in a paragraph',
];
// What an edit puts into a line: markup, odd spaces, entities, autolinks.
const INSERTS = [
	'*',
	'**',
	'_',
	'`',
	'\\',
	'~',
	'~~',
	'[',
	']',
	'(',
	')',
	'<b>',
	'</b>',
	'&#65;',
	'&amp;',
	'#',
	' #',
	'  ',
	'\t',
	'\u00a0',
	'http://a.b',
	'www.x.com',
	'a@b.co',
	'👍',
	':',
	'- ',
	'1. ',
];
const WRAPS: [string, string][] = [
	['*', '*'],
	['**', '**'],
	['_', '_'],
	['`', '`'],
	['[', '](https://x.y)'],
	['<i>', '</i>'],
	['~~', '~~'],
];

type Edit =
	| { kind: 'drop' | 'dup' | 'swap'; at: number }
	| { kind: 'insert'; at: number; line: string }
	| { kind: 'edit'; at: number; pos: number; text: string }
	| { kind: 'wrap'; at: number; pos: number; len: number; wrap: [string, string] }
	| { kind: 'indent'; at: number; by: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({ kind: fc.constantFrom('drop' as const, 'dup' as const, 'swap' as const), at: fc.nat() }),
	fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.constantFrom(...CONSTRUCTS) }),
	fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), pos: fc.nat(), text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 4 })) }),
	fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), pos: fc.nat(), len: fc.nat(12), wrap: fc.constantFrom(...WRAPS) }),
	fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.constantFrom(' ', '  ', '   ', '    ', '\t') }),
);

function apply(lines: string[], e: Edit): void {
	if (lines.length === 0) return;
	const at = e.at % lines.length;
	const line = lines[at] ?? '';
	if (e.kind === 'drop') lines.splice(at, 1);
	else if (e.kind === 'dup') lines.splice(at, 0, line);
	else if (e.kind === 'swap' && at + 1 < lines.length) [lines[at], lines[at + 1]] = [lines[at + 1] ?? '', line];
	else if (e.kind === 'insert') lines.splice(at, 0, e.line);
	else if (e.kind === 'edit') {
		const pos = e.pos % (line.length + 1);
		lines[at] = line.slice(0, pos) + e.text + line.slice(pos);
	} else if (e.kind === 'wrap') {
		const pos = e.pos % (line.length + 1);
		lines[at] = line.slice(0, pos) + e.wrap[0] + line.slice(pos, pos + e.len) + e.wrap[1] + line.slice(pos + e.len);
	} else if (e.kind === 'indent') lines[at] = e.by + line;
}

const ending = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');
const document = fc.record({
	seed: fc.nat(seeds.length - 1),
	edits: fc.array(edit, { minLength: 0, maxLength: 4 }),
	eol: ending,
	bom: fc.boolean(),
	tail: fc.boolean(),
});

describe('digest: the fast path under fuzzing', () => {
	it('answers what the full parser answers on mutated digests, and reads many of them itself', () => {
		let cases = 0;
		let took = 0;
		let edited = 0;
		fc.assert(
			fc.property(document, ({ seed, edits, eol, bom, tail }) => {
				const lines = [...(seeds[seed] ?? [])];
				for (const e of edits) apply(lines, e);
				const text = (bom ? '\uFEFF' : '') + lines.join(eol) + (tail ? eol : '');
				const full = parseDigestFull(text, 'fuzz.md');
				const fast = parseDigestFast(text, 'fuzz.md');
				cases += 1;
				if (fast !== null) {
					took += 1;
					if (edits.length > 0 || eol !== '\n' || bom || !tail) edited += 1;
					expect(fast).toStrictEqual(full);
					expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
				}
				expect(parseDigest(text, 'fuzz.md')).toStrictEqual(full);
			}),
			{ numRuns: RUNS },
		);
		console.info(`fast-path fuzz: ${took} of ${cases} mutated digests took the fast path (${edited} of them changed from their seed), the rest fell back`);
		// Most mutations leave a file canonical or make it plainly not: both paths must be exercised.
		expect(took).toBeGreaterThan(cases * 0.2);
		expect(took).toBeLessThan(cases);
		expect(edited).toBeGreaterThan(took / 2);
	}, 120_000);

	it('undoes backslash escapes without the inline lexer exactly as the lexer does', () => {
		const unit = fc.constantFrom(
			'a',
			' ',
			'\\',
			'%',
			'{',
			'}',
			'*',
			'_',
			'~',
			'`',
			'[',
			']',
			'<',
			'&',
			'#',
			'@',
			'.',
			':',
			'/',
			'w',
			'h',
			't',
			'p',
			'\n',
			'é',
			'한',
		);
		fc.assert(
			fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
				expect(plainInline(s)).toBe(/[*_`\\~[<]/.test(s) ? inlineText(inline(s), s) : s);
			}),
			{ numRuns: RUNS * 3 },
		);
	});

	it('lets a paper skip the schema only when the schema would pass it unchanged', () => {
		// Each field mostly valid, so that whole papers often are; sometimes anything at all.
		const often = <T>(good: fc.Arbitrary<T>, any: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: any, weight: 1 });
		const text = often(fc.constantFrom('x', 'Lab', '한'), fc.oneof(fc.constantFrom('', ' ', '\t'), fc.string({ maxLength: 6 })));
		const url = often(
			fc.constantFrom('https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00001.png', 'https://huggingface.co/papers/2501.00001?x=1&y=%20'),
			fc.oneof(
				fc.constantFrom('https://x', 'http://a.b/c', ' https://a.b/c', 'https://a.b/c d', 'https://a..b/c', 'https://-.b/', 'https://a.b/c\n', 'https://a.b'),
				fc.string({ maxLength: 20 }).map((s) => `https://${s}`),
			),
		);
		const paper = fc.record({
			id: often(fc.constantFrom('2501.00001', '2501.12345'), fc.constantFrom('2501.000011', 'hep-th/9901001', '2513.00001', 'x', '')),
			title: text,
			url: fc.constant(''),
			votes: often(fc.oneof(fc.constant(null), fc.nat(1000)), fc.oneof(fc.integer({ min: -2, max: 2e9 }), fc.double())),
			authors: fc.array(text, { maxLength: 3 }),
			thumbnail: often(fc.option(url), fc.constant('')),
			summary: fc.array(fc.record({ label: fc.option(text), text }), { maxLength: 3 }),
			affiliation: fc.option(text, { nil: undefined }),
			pageUrl: fc.option(url, { nil: undefined }),
			line: often(fc.integer({ min: 1, max: 500 }), fc.oneof(fc.integer({ min: -1, max: 0 }), fc.double())),
			wrongUrl: fc.boolean(),
		});
		let known = 0;
		fc.assert(
			fc.property(paper, (raw) => {
				const { wrongUrl, ...fields } = raw;
				const url = wrongUrl ? `https://arxiv.org/abs/${fields.id}x` : `https://arxiv.org/abs/${fields.id}`;
				const p = structuredClone(Object.fromEntries(Object.entries({ ...fields, url }).filter(([, v]) => v !== undefined))) as unknown as Paper;
				if (!knownValid(p)) return;
				known += 1;
				const checked = Paper.safeParse(p);
				expect(checked.success).toBe(true);
				expect(checked.data).toStrictEqual(p);
			}),
			{ numRuns: RUNS * 3 },
		);
		console.info(`schema shortcut: ${known} of ${RUNS * 3} generated papers taken as plainly valid, each passed by the schema unchanged`);
		expect(known).toBeGreaterThan(RUNS / 10);
	});
});
