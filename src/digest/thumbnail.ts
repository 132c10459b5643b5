const BASE = 'https://huggingface.co';
// Discord shows raster images only; a video or an SVG in an embed is a broken picture.
const NOT_AN_IMAGE = /\.(?:mp4|mov|qt|webm|mkv|avi|m4v|svg)(?:[?#].*)?$/i;
const VIDEO = /\.(?:mp4|mov|qt|webm|mkv|avi|m4v)(?:[?#].*)?$/i;

export interface ThumbnailResult {
	url: string | null;
	/** Why the picture was left out; absent when it is silently not a thumbnail (a video). */
	reason?: string;
}

/**
 * An absolute https address Discord can show, or null. Relative paths (`/avatars/x.png`) are
 * resolved against huggingface.co, where the digests' pictures live.
 */
export function resolveThumbnail(href: string): ThumbnailResult {
	const raw = href.trim();
	if (!raw) return { url: null, reason: 'is empty' };
	if (VIDEO.test(raw)) return { url: null };
	let url: URL;
	try {
		url = raw.startsWith('/') && !raw.startsWith('//') ? new URL(raw, BASE) : new URL(raw.startsWith('//') ? `https:${raw}` : raw);
	} catch {
		return { url: null, reason: 'is not an address' };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return { url: null, reason: 'is not a web address' };
	if (NOT_AN_IMAGE.test(url.pathname)) return { url: null, reason: 'is an SVG, which Discord cannot show' };
	return { url: url.href };
}
