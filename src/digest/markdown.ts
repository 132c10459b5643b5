import { Lexer, type Token, type Tokens } from 'marked';

// One options object for every lexer: marked hangs its tokenizer on it, so a fresh literal per call builds a fresh tokenizer.
const LEX_OPTIONS = { gfm: true };

/** A block of the document and the 1-based line it starts on. */
export interface Block {
	tok: Token;
	line: number;
}

/** Maps string offsets to 1-based line numbers of the normalised text. */
class LineIndex {
	private readonly starts: number[] = [0];
	constructor(text: string) {
		for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
	}
	lineOf(offset: number): number {
		let lo = 0;
		let hi = this.starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if ((this.starts[mid] ?? 0) <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	}
}

/**
 * The top-level blocks of `text` with their lines. Block structure only: inline lexing of every
 * summary bullet is most of marked's time, and inline tokens are needed just for headings and
 * the short metadata paragraphs (lexed on demand by `inline`).
 */
export function blocks(text: string): Block[] {
	const lines = new LineIndex(text);
	let cursor = 0;
	// Blocks' raw texts need not tile the input exactly, so each is looked for from where the last one ended.
	return new Lexer(LEX_OPTIONS).blockTokens(text, []).map((tok) => {
		const at = tok.raw ? text.indexOf(tok.raw, cursor) : -1;
		if (at < 0) return { tok, line: lines.lineOf(cursor) };
		cursor = at + tok.raw.length;
		return { tok, line: lines.lineOf(at) };
	});
}

export function inline(markdown: string): Token[] {
	return Lexer.lexInline(markdown, LEX_OPTIONS);
}

/** The text of inline tokens with markup and images left out. */
export function inlineText(tokens: Token[] | undefined, fallback: string): string {
	if (!tokens || tokens.length === 0) return fallback;
	let out = '';
	for (const t of tokens) {
		if (t.type === 'image') continue;
		if ('tokens' in t && Array.isArray(t.tokens)) out += inlineText(t.tokens, 'text' in t ? String(t.text) : '');
		else if (t.type === 'br') out += ' ';
		else if ('text' in t && typeof t.text === 'string') out += t.text;
		else out += t.raw;
	}
	return out;
}

// Characters that can start inline markdown worth undoing: emphasis, code, escapes, strike, links, autolinks.
const INLINE_MARKUP = /[*_`\\~[<]/;
// What else inline markdown reads: the other markup, line breaks, character references, autolinks.
const BESIDE_ESCAPES = /[*_`~[<\n]|&#|@|:\/\/|www\./i;
// A backslash before ASCII punctuation stands for that character.
const ESCAPE = /\\([!"#$%&'()*+,\-./:;<=>?@[\]\\^_`{|}~])/g;

/**
 * Summary text as plain text, once, here: the renderer escapes what it is given and search
 * indexes it, so `**Tokenizer**` must arrive as `Tokenizer` and `\*` as `*`.
 */
export function plainInline(markdown: string): string {
	if (!INLINE_MARKUP.test(markdown)) return markdown;
	// Backslash escapes and nothing else (LaTeX in abstracts, mostly) read as the characters they escape.
	if (!BESIDE_ESCAPES.test(markdown)) return markdown.replace(ESCAPE, '$1');
	return inlineText(inline(markdown), markdown);
}

export function findLink(tokens: Token[] | undefined): Tokens.Link | null {
	if (!tokens) return null;
	for (const t of tokens) {
		if (t.type === 'link') return t as Tokens.Link;
		if ('tokens' in t && Array.isArray(t.tokens)) {
			const inner = findLink(t.tokens);
			if (inner) return inner;
		}
	}
	return null;
}

export function findImages(tokens: Token[] | undefined, out: string[] = []): string[] {
	if (!tokens) return out;
	for (const t of tokens) {
		if (t.type === 'image') out.push((t as Tokens.Image).href);
		else if ('tokens' in t && Array.isArray(t.tokens)) findImages(t.tokens, out);
	}
	return out;
}

export function collapse(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}
