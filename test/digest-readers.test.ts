import type { Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { dailyPapers } from '../src/digest/daily-papers.ts';
import { blocks } from '../src/digest/markdown.ts';
import { readHeading, readList, readPaper, readRow, splitLabel } from '../src/digest/paper-body.ts';
import { chooseFormat } from '../src/digest/parse.ts';
import { reportInto } from '../src/digest/report.ts';
import type { Problem } from '../src/digest/schema.ts';

function collect() {
	const problems: Problem[] = [];
	return { problems, report: reportInto('f.md', problems) };
}

const block = <T>(markdown: string) => blocks(markdown)[0]?.tok as T;

describe('digest readers', () => {
	it('chooses the daily-papers reader for a dated digest, and as the last resort for anything else', () => {
		expect(chooseFormat(blocks('## Daily Papers (2024-12-09)\n')).name).toBe('daily-papers');
		expect(dailyPapers.claims(blocks('# Notes\n\nnothing dated\n'))).toBe(false);
		expect(chooseFormat(blocks('# Notes\n')).name).toBe('daily-papers');
	});

	it('reads a row as votes, authors or text, and reports a vote it cannot read', () => {
		const { problems, report } = collect();
		expect(readRow('Vote: 12', 3, '2412.00001', report)).toEqual({ kind: 'votes', votes: 12 });
		expect(readRow('votes: n/a', 3, '2412.00001', report)).toEqual({ kind: 'votes', votes: null });
		expect(readRow("Authors: ['Ann Lee', \"O'Brien\"]", 4, '2412.00001', report)).toEqual({ kind: 'authors', authors: ['Ann Lee', "O'Brien"] });
		expect(readRow('  some words ', 5, '2412.00001', report)).toEqual({ kind: 'text', text: 'some words' });
		expect(readRow('[Watch Video](https://x)', 6, null, report)).toBeNull();
		expect(readRow('<video src="a.mp4"></video>', 6, null, report)).toBeNull();
		expect(problems).toEqual([]);
		expect(readRow('Vote: lots', 7, '2412.00001', report)).toBeNull();
		expect(problems.map((p) => [p.file, p.line, p.level])).toEqual([['f.md', 7, 'warning']]);
	});

	it('reads a heading and reports the ways it can fail to name a paper', () => {
		const { problems, report } = collect();
		const heading = (md: string) => readHeading(block<Tokens.Heading>(md), 1, report);
		expect(heading('### [A *Title*](https://arxiv.org/abs/2412.00001v2)')).toEqual({ id: '2412.00001', title: 'A Title', skip: false });
		expect(heading('### 2412.00002')).toEqual({ id: '2412.00002', title: '2412.00002', skip: false });
		expect(heading('### No link here').skip).toBe(true);
		expect(heading('### [Elsewhere](https://example.com/x)').skip).toBe(true);
		expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/no link/), expect.stringMatching(/example\.com/)]);
	});

	it('splits labels and reads numbered lines apart from bullets', () => {
		expect(splitLabel('***What’s New***: a thing')).toEqual({ label: "What's New", text: 'a thing' });
		expect(splitLabel('plain')).toEqual({ label: null, text: 'plain' });
		expect(readList(block<Tokens.List>('3. one\n4. two\n'))).toEqual({ kind: 'numbered', lines: ['3. one', '4. two'] });
		expect(readList(block<Tokens.List>('- **Only a label**:\n- <img src=x>\n- text\n'))).toEqual({
			kind: 'bullets',
			items: [
				{ label: null, text: 'Only a label' },
				{ label: null, text: 'text' },
			],
		});
	});

	it('reads a paper from its heading and body, numbered lines continuing the bullet before them', () => {
		const doc = blocks('### [T](https://arxiv.org/abs/2412.00001)\n\nVote: 3\n\nAuthors: A, B\n\n- ***Why***: because\n\n1. first\n2. second\n\nmore text\n');
		const { problems, report } = collect();
		const paper = readPaper(doc[0]?.tok as Tokens.Heading, 1, doc.slice(1), report);
		expect(paper).toEqual({
			id: '2412.00001',
			title: 'T',
			line: 1,
			votes: 3,
			authors: ['A', 'B'],
			thumbnail: null,
			summary: [{ label: 'Why', text: 'because\n1. first\n2. second\nmore text' }],
			skip: false,
		});
		expect(problems).toEqual([]);
	});
});
