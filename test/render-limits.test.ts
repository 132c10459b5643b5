import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../src/digest/parse.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { digestMessages, embedLength, paperEmbed, type MessageBody } from '../src/render/embed.ts';
import {
	EMBED_AUTHOR_NAME_MAX,
	EMBED_DESCRIPTION_MAX,
	EMBED_FIELDS_MAX,
	EMBED_FIELD_NAME_MAX,
	EMBED_FIELD_VALUE_MAX,
	EMBED_FOOTER_MAX,
	EMBED_TITLE_MAX,
	MESSAGE_CONTENT_MAX,
	MESSAGE_EMBEDS_MAX,
	MESSAGE_EMBEDS_TOTAL_MAX,
} from '../src/render/limits.ts';
import { paperListEmbed } from '../src/render/list.ts';
import { compactMessages } from '../src/render/compact.ts';

// A variable specifier: the package ships its zod schemas as JavaScript without declarations.
const SPEC = 'discord-api-spec/zod';
const { MessageCreateRequestSchema } = (await import(SPEC)) as {
	MessageCreateRequestSchema: { safeParse(v: unknown): { success: boolean; error?: unknown } };
};

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function strings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (Array.isArray(value)) for (const v of value) strings(v, out);
	else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
	return out;
}

/** Every rule Discord enforces on a create-message body that the renderer controls; [] when it obeys all. */
function violations(body: MessageBody): string[] {
	const found: string[] = [];
	const check = (ok: boolean, what: string) => {
		if (!ok) found.push(what);
	};
	check(body.embeds.length <= MESSAGE_EMBEDS_MAX, `${body.embeds.length} embeds`);
	check(body.embeds.length > 0 || (body.content ?? '').length > 0, 'empty message');
	const total = body.embeds.reduce((n, e) => n + embedLength(e), 0);
	check(total <= MESSAGE_EMBEDS_TOTAL_MAX, `embeds total ${total}`);
	check((body.content ?? '').length <= MESSAGE_CONTENT_MAX, 'content too long');
	check(JSON.stringify(body.allowed_mentions.parse) === '[]', 'allowed_mentions.parse is not []');
	check(!('nonce' in body), 'nonce set by the renderer');
	for (const [i, e] of body.embeds.entries()) {
		check((e.title?.length ?? 0) <= EMBED_TITLE_MAX, `embed ${i} title`);
		check((e.title?.length ?? 0) + (e.description?.length ?? 0) > 0, `embed ${i} has neither title nor description`);
		check((e.description?.length ?? 0) <= EMBED_DESCRIPTION_MAX, `embed ${i} description`);
		check((e.fields?.length ?? 0) <= EMBED_FIELDS_MAX, `embed ${i} fields`);
		for (const f of e.fields ?? []) {
			check(f.name.length >= 1 && f.name.length <= EMBED_FIELD_NAME_MAX, `embed ${i} field name`);
			check(f.value.length >= 1 && f.value.length <= EMBED_FIELD_VALUE_MAX, `embed ${i} field value`);
		}
		check((e.footer?.text.length ?? 0) <= EMBED_FOOTER_MAX, `embed ${i} footer`);
		check((e.author?.name.length ?? 0) <= EMBED_AUTHOR_NAME_MAX, `embed ${i} author`);
	}
	check((body.components?.length ?? 0) <= 5, 'more than 5 action rows');
	for (const row of body.components ?? []) {
		for (const c of row.components) {
			if (c.type !== 3) continue;
			check(c.custom_id.length >= 1 && c.custom_id.length <= 100, 'select custom_id');
			check((c.placeholder?.length ?? 0) <= 150, 'select placeholder');
			check(c.options.length >= 1 && c.options.length <= 25, `${c.options.length} select options`);
			check(new Set(c.options.map((o) => o.value)).size === c.options.length, 'duplicate option values');
			for (const o of c.options) {
				check(o.label.length >= 1 && o.label.length <= 100, 'option label');
				check(o.value.length >= 1 && o.value.length <= 100, 'option value');
				check((o.description?.length ?? 0) <= 100, 'option description');
			}
		}
	}
	for (const s of strings(body)) check(isWellFormed(s), `lone surrogate in ${JSON.stringify(s.slice(0, 40))}`);
	const parsed = MessageCreateRequestSchema.safeParse(body);
	check(parsed.success, `discord-api-spec rejects the body: ${String(parsed.error)}`);
	return found;
}

// Units that stress cutting: astral emoji, lone surrogates, combining marks, flags, ZWJ
// sequences, Korean, markdown, mentions, white space of every kind.
const nasty = fc.constantFrom(
	'a',
	'Z',
	'한',
	'국',
	' ',
	'  ',
	'\n',
	'\n\n',
	'\t',
	'.',
	'. ',
	'다. ',
	'[',
	']',
	'*',
	'_',
	'\\',
	'`',
	'|',
	'~',
	'@everyone',
	'<@123>',
	'<@&456>',
	'😀',
	'👩‍👩‍👧',
	'🇰🇷',
	'e\u0301',
	'\u0301',
	'\uD83D',
	'\uDE00',
	'\u200D',
	'𝒜',
	'…',
);
const text = (maxLength: number) =>
	fc.oneof(
		fc.string({ unit: nasty, maxLength }),
		fc.string({ unit: 'binary', maxLength }),
		fc.string({ unit: 'grapheme', maxLength }),
		fc.string({ unit: nasty, minLength: 200, maxLength: Math.max(200, maxLength * 4) }),
	);
const url = fc.oneof(
	fc.constant('https://arxiv.org/abs/2412.04887'),
	fc.webUrl(),
	fc.string({ maxLength: 30 }),
	fc.constant(`https://example.com/${'p'.repeat(2100)}`),
);
const paperArb: fc.Arbitrary<ArchivedPaper> = fc.record({
	id: fc.oneof(fc.constant('2412.04887'), text(20)),
	title: text(300),
	url,
	votes: fc.option(fc.nat(), { nil: null }),
	authors: fc.oneof(fc.array(text(40), { maxLength: 30 }), fc.array(fc.constant('Author Name'), { minLength: 500, maxLength: 1500 })),
	thumbnail: fc.option(url, { nil: null }),
	summary: fc.array(fc.record({ label: fc.option(text(80), { nil: null }), text: text(1500) }), { maxLength: 14 }),
	date: fc.oneof(fc.constant('2024-12-09'), text(20)),
	dates: fc.array(fc.oneof(fc.constant('2024-12-09'), text(20)), { maxLength: 40 }),
});
const optionsArb = fc.record(
	{
		locale: fc.constantFrom('ko' as const, 'en-US' as const),
		roleId: fc.stringMatching(/^[1-9]\d{16,18}$/),
		header: fc.boolean(),
	},
	{ requiredKeys: [] },
);

describe('render limits', () => {
	it('every digest body obeys every Discord limit and carries each paper once, in order', () => {
		fc.assert(
			fc.property(text(40), fc.array(paperArb, { maxLength: 30 }), optionsArb, (date, papers, opts) => {
				const messages = digestMessages(date, papers, opts);
				for (const body of messages) expect(violations(body)).toEqual([]);
				const embeds = messages.flatMap((m) => m.embeds);
				expect(embeds).toEqual(papers.map((p) => paperEmbed(p, { locale: opts.locale ?? 'ko' })));
				for (const m of messages.slice(1)) expect(m.allowed_mentions).toEqual({ parse: [] });
				if (opts.roleId !== undefined) expect(messages[0]?.allowed_mentions.roles).toEqual([opts.roleId]);
			}),
			{ numRuns: 150 },
		);
	});

	it('every compact body obeys every Discord limit, lists each paper once in order, and offers each in one menu', () => {
		const uniqueIds = (papers: ArchivedPaper[]) => papers.filter((p, i) => papers.findIndex((q) => q.id === p.id) === i);
		fc.assert(
			fc.property(text(40), fc.array(paperArb, { maxLength: 200 }).map(uniqueIds), optionsArb, (date, papers, opts) => {
				const messages = compactMessages(date, papers, opts);
				for (const { body } of messages) expect(violations(body)).toEqual([]);
				expect(messages.flatMap((m) => m.paperIds)).toEqual(papers.map((p) => p.id));
				const offered = messages.flatMap((m) => (m.body.components ?? []).flatMap((r) => r.components.flatMap((c) => (c.type === 3 ? c.options : []))));
				expect(offered).toHaveLength(papers.length);
				for (const m of messages.slice(1)) expect(m.body.allowed_mentions).toEqual({ parse: [] });
			}),
			{ numRuns: 60 },
		);
	});

	it('a 200-paper day of the longest titles is compact: a few messages, every line whole', () => {
		const papers = Array.from({ length: 200 }, (_, i) => ({
			id: `2501.${String(i).padStart(5, '0')}`,
			title: `${'Extremely Long Title Words '.repeat(12)}${i}`,
			url: `https://arxiv.org/abs/2501.${String(i).padStart(5, '0')}`,
			votes: 1000 + i,
			authors: [],
			thumbnail: null,
			summary: [],
			date: '2025-01-01',
			dates: ['2025-01-01'],
		}));
		const messages = compactMessages('2025-01-01', papers, { locale: 'en-US' });
		for (const { body } of messages) expect(violations(body)).toEqual([]);
		expect(messages.length).toBeLessThanOrEqual(12);
		expect(messages.flatMap((m) => m.paperIds)).toHaveLength(200);
		for (const line of messages.flatMap((m) => (m.body.embeds[0]?.description ?? '').split('\n')))
			expect(line).toMatch(/…\]\(https:\/\/arxiv\.org\/abs\/2501\.\d{5}\)\u00a0·\u00a0▲\u00a0\d+\u00a0·\u00a0\[HF\]/);
	});

	it('a paper embed stays within any maxLength it is given', () => {
		fc.assert(
			fc.property(paperArb, fc.integer({ min: 1, max: 6000 }), fc.option(fc.nat(), { nil: undefined }), (paper, maxLength, rank) => {
				const embed = paperEmbed(paper, rank === undefined ? { maxLength } : { maxLength, rank });
				expect(embedLength(embed)).toBeLessThanOrEqual(maxLength);
				expect(violations({ embeds: [embed], allowed_mentions: { parse: [] } })).toEqual([]);
			}),
			{ numRuns: 150 },
		);
	});

	it('a ranked list embed obeys every limit', () => {
		fc.assert(
			fc.property(text(300), fc.array(paperArb, { maxLength: 60 }), fc.nat(), fc.option(text(3000), { nil: undefined }), (title, papers, startRank, footer) => {
				const embed = paperListEmbed(footer === undefined ? { title, papers, startRank } : { title, papers, startRank, footer });
				expect(violations({ embeds: [embed], allowed_mentions: { parse: [] } })).toEqual([]);
			}),
			{ numRuns: 100 },
		);
	});

	it('the checker catches a body that breaks a limit', () => {
		const body: MessageBody = { embeds: [{ title: 'x'.repeat(257), description: '\uD83D' }], allowed_mentions: { parse: [] } };
		expect(violations(body)).toEqual(expect.arrayContaining(['embed 0 title', expect.stringMatching(/^lone surrogate/)]));
		expect(violations({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })), allowed_mentions: { parse: [] } })).toContain('11 embeds');
	});

	const corpus = join(import.meta.dirname, '../../shared/corpus/daily_papers_ko/paper_logs');
	// The describe name alone is not printed for a skipped block by the default reporter.
	if (!existsSync(corpus)) console.warn(`render corpus tests skipped: ${corpus} is absent (see ../shared/corpus/SOURCES.md)`);
	describe.skipIf(!existsSync(corpus))('on the real corpus (skipped: ../shared/corpus/daily_papers_ko is absent)', () => {
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const name of readdirSync(dir).sort()) {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) walk(path);
				else if (name.endsWith('.md')) files.push(path);
			}
		};
		if (existsSync(corpus)) walk(corpus);

		it('renders every digest within every limit, in both locales', () => {
			let papers = 0;
			for (const file of files) {
				const { digest } = parseDigest(readFileSync(file, 'utf8'), file);
				if (!digest) continue;
				const archived = digest.papers.map(({ line: _line, ...p }) => ({ ...p, date: digest.date, dates: [digest.date] }));
				papers += archived.length;
				for (const locale of ['ko', 'en-US'] as const) {
					const messages = digestMessages(digest.date, archived, { locale, roleId: '123456789012345678' });
					for (const body of messages) expect(violations(body), file).toEqual([]);
					expect(messages.flatMap((m) => m.embeds)).toHaveLength(archived.length);
				}
			}
			expect(papers).toBeGreaterThan(900);
		});

		it('shortens the 10,437-character authors line of 2025-01-27 to whole names', () => {
			const file = join(corpus, '2025/01/27.md');
			const { digest } = parseDigest(readFileSync(file, 'utf8'), file);
			const longest = [...(digest?.papers ?? [])].sort((a, b) => b.authors.join(', ').length - a.authors.join(', ').length)[0];
			expect(longest?.authors.join(', ').length).toBeGreaterThan(10_000);
			if (!longest || !digest) return;
			const { line: _line, ...rest } = longest;
			const value = paperEmbed({ ...rest, date: digest.date, dates: [digest.date] }).fields?.[0]?.value ?? '';
			expect(value.length).toBeLessThanOrEqual(200);
			expect(value).toMatch(/ 외 \d+명$/);
			for (const name of value.replace(/ 외 \d+명$/, '').split(', ')) expect(longest.authors.map((a) => a.replace(/[\\*_~`|[\]]/g, '\\$&'))).toContain(name);
		});

		it('keeps real summaries whole in almost every paper', () => {
			let papers = 0;
			let cut = 0;
			for (const file of files) {
				const { digest } = parseDigest(readFileSync(file, 'utf8'), file);
				for (const { line: _line, ...p } of digest?.papers ?? []) {
					papers += 1;
					const description = paperEmbed({ ...p, date: '2024-12-09', dates: [] }).description ?? '';
					const whole = p.summary.every((s) =>
						description.includes(
							s.text
								.replace(/\s+/g, ' ')
								.trim()
								.replace(/[\\*_~`|[\]]/g, '\\$&'),
						),
					);
					if (!whole) cut += 1;
				}
			}
			expect(cut / papers).toBeLessThan(0.02);
		});
	});
});
