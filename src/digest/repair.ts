import type { Token } from 'marked';
import { blocks, type Block } from './markdown.ts';
import { INVISIBLE, linkedPaperId } from './paper-lines.ts';
import type { Report } from './report.ts';

// Most cuts a file gets before what is left is handed to the check for lost papers: each cut lexes the rest again.
const MAX_CUTS = 50;
const LEADING = /^[ \t\0\u200B-\u200D\u2060\uFEFF\v\f]+/;
// What invisible characters hide at a line's start that matters: a heading or a numbered item.
const BLOCK_START = /^ {0,3}(?:#|\d{1,9}[.)][ \t])/;
const NO_SPACE = /^( {0,3}#{1,6})(?=[^\s#])/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function codePoints(s: string): string {
	return [...new Set([...s].filter((c) => INVISIBLE.test(c)))]
		.map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
		.join(', ');
}

/**
 * Mends lines whose intent is plain but which markdown would not read as written: invisible
 * characters before a heading or numbered item, and a paper heading with no space after its
 * `#`s. Each mend is warned about with its line; line numbers stay as they were.
 */
export function mendLines(text: string, report: Report): string {
	if (!INVISIBLE.test(text) && !/^ {0,3}#{1,6}[^\s#]/m.test(text)) return text;
	const lines = text.split('\n');
	lines.forEach((line, i) => {
		let out = line;
		const lead = LEADING.exec(out)?.[0] ?? '';
		if (INVISIBLE.test(lead)) {
			const mended = lead.replace(new RegExp(INVISIBLE.source, 'g'), '') + out.slice(lead.length);
			if (BLOCK_START.test(mended)) {
				report(i + 1, 'warning', `invisible characters (${codePoints(lead)}) at the start of the line are ignored`);
				out = mended;
			}
		}
		const bare = NO_SPACE.exec(out);
		if (bare?.[1] && linkedPaperId(out.slice(bare[1].length).trim()) !== null) {
			report(i + 1, 'warning', `the heading has no space after "${bare[1].trim()}"; it is read as a paper heading`);
			out = `${bare[1]} ${out.slice(bare[1].length)}`;
		}
		lines[i] = out;
	});
	return lines.join('\n');
}

type RunOn = 'fence' | 'comment' | 'html';

/** A block that can run on over lines meant to be papers: an unclosed fence or comment, or any HTML block (a blank line ends it). */
function runOn(tok: Token): RunOn | null {
	if (tok.type === 'code') {
		const open = FENCE.exec(tok.raw)?.[1];
		if (!open) return null;
		const last = tok.raw.trimEnd().split('\n').slice(1).at(-1) ?? '';
		const closed = new RegExp(`^ {0,3}${open[0] === '`' ? '`' : '~'}{${open.length},}[ \\t]*$`).test(last);
		return closed ? null : 'fence';
	}
	if (tok.type !== 'html') return null;
	if (tok.raw.trimStart().startsWith('<!--')) return tok.raw.includes('-->') ? null : 'comment';
	return 'html';
}

function why(kind: RunOn, opened: number, at: number): string {
	if (kind === 'fence') return `the code block opened at line ${opened} is never closed; it is taken to end before the paper heading at line ${at}`;
	if (kind === 'comment')
		return `the HTML comment opened at line ${opened} is never closed (no "-->"); it is taken to end before the paper heading at line ${at}`;
	return `the HTML block at line ${opened} runs into the paper heading at line ${at} (a blank line ends an HTML block); the heading is read as a paper`;
}

/**
 * Cuts a block that ran on over the papers after it (an unclosed ``` / ~~~ fence or `<!--`,
 * an HTML block with no blank line before the next heading) before the first line that starts
 * a paper, and reads on from there. Such a block carries nothing of a paper, so nothing it held
 * is lost; each cut is warned about.
 */
export function cutRunOns(text: string, doc: Block[], startsPaper: (line: string) => boolean, report: Report): Block[] {
	const lines = text.split('\n');
	let out = doc;
	let from = 0;
	for (let cuts = 0; cuts < MAX_CUTS; cuts++) {
		const cut = findCut(out, from, lines, startsPaper);
		if (!cut) return out;
		report(cut.block.line, 'warning', why(cut.kind, cut.block.line, cut.at));
		const rest = blocks(lines.slice(cut.at - 1).join('\n')).map((b) => ({ tok: b.tok, line: b.line + cut.at - 1 }));
		from = cut.index + 1;
		out = [...out.slice(0, from), ...rest];
	}
	return out;
}

function findCut(doc: readonly Block[], from: number, lines: readonly string[], startsPaper: (line: string) => boolean) {
	for (let index = from; index < doc.length; index++) {
		const block = doc[index] as Block;
		const kind = runOn(block.tok);
		if (!kind) continue;
		const span = block.tok.raw.replace(/\n+$/, '').split('\n').length;
		for (let at = block.line + 1; at < block.line + span && at <= lines.length; at++) {
			if (startsPaper(lines[at - 1] ?? '')) return { index, block, kind, at };
		}
	}
	return null;
}
