import { ArxivId } from './schema.ts';

// New style (2007-04 onwards): YYMM.NNNN (until 2014-12) or YYMM.NNNNN. Old style: archive[.SC]/YYMMNNN.
const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v\d+)?$/;
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]{2})?\/\d{7})(?:v\d+)?$/i;
const URL_FORMS = [
	/^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i,
	/^(?:https?:\/\/)?(?:www\.)?huggingface\.co\/papers\/(.+?)\/?(?:[?#].*)?$/i,
	/^arxiv:\s*(.+)$/i,
];

function normaliseOld(id: string): string {
	// The archive name is lower case; the subject class (math.AG) keeps its capitals.
	const [archive = '', num = ''] = id.split('/');
	const dot = archive.indexOf('.');
	const name = dot === -1 ? archive.toLowerCase() : `${archive.slice(0, dot).toLowerCase()}.${archive.slice(dot + 1).toUpperCase()}`;
	return `${name}/${num}`;
}

function bare(candidate: string): ArxivId | null {
	const m = NEW_STYLE.exec(candidate);
	if (m?.[1]) return validMonth(m[1]) ? m[1] : null;
	const o = OLD_STYLE.exec(candidate);
	if (o?.[1]) {
		const id = normaliseOld(o[1]);
		return ArxivId.safeParse(id).success ? id : null;
	}
	return null;
}

function validMonth(id: string): boolean {
	const month = Number(id.slice(2, 4));
	return month >= 1 && month <= 12;
}

/**
 * The normalised arXiv id (no version) named by a bare id or an arxiv.org / huggingface.co
 * link, or null when the input names none.
 */
export function parseArxivId(input: string): ArxivId | null {
	if (typeof input !== 'string') return null;
	const text = input.trim();
	if (text.length === 0 || text.length > 300) return null;
	const direct = bare(text);
	if (direct) return direct;
	for (const form of URL_FORMS) {
		const m = form.exec(text);
		if (m?.[1]) {
			let inner = m[1];
			try {
				inner = decodeURIComponent(inner);
			} catch {
				// A malformed escape is not an id; fall through with the raw text.
			}
			const id = bare(inner.trim());
			if (id) return id;
		}
	}
	return null;
}

/** True when the input is a syntactically valid bare arXiv id (with or without version). */
export function looksLikeArxivId(input: string): boolean {
	return typeof input === 'string' && bare(input.trim()) !== null;
}

export function arxivUrl(id: ArxivId): string {
	return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: ArxivId): string {
	return `https://arxiv.org/pdf/${id}`;
}

/** Every paper of the daily digests has a page on Hugging Face under its arXiv id. */
export function huggingFaceUrl(id: ArxivId): string {
	return `https://huggingface.co/papers/${id}`;
}
