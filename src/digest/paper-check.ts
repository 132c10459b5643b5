import { isPlainUrl } from './fast-lines.ts';
import type { Paper } from './schema.ts';

const NEW_STYLE_ID = /^\d{4}\.\d{4,5}$/;

function filled(s: string | null | undefined): boolean {
	return typeof s === 'string' && s.length > 0;
}

/**
 * Whether a paper certainly passes the schema unchanged, by checks far cheaper than the schema's
 * own: every condition here implies the schema's. False only means "ask the schema", which
 * also says why a paper fails.
 */
export function knownValid(p: Paper): boolean {
	return (
		NEW_STYLE_ID.test(p.id) &&
		p.url === `https://arxiv.org/abs/${p.id}` &&
		filled(p.title) &&
		(p.votes === null || (Number.isSafeInteger(p.votes) && p.votes >= 0)) &&
		p.authors.every(filled) &&
		(p.thumbnail === null || isPlainUrl(p.thumbnail)) &&
		p.summary.every((s) => (s.label === null || filled(s.label)) && filled(s.text)) &&
		(p.affiliation === undefined || filled(p.affiliation)) &&
		(p.pageUrl === undefined || isPlainUrl(p.pageUrl)) &&
		Number.isSafeInteger(p.line) &&
		p.line > 0
	);
}
