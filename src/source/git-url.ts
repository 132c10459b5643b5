/*
 * A repository address may carry credentials (https://user:token@host/…; a forge token often sits
 * in the user part alone). They stay in the address git is given and never reach a log line,
 * an error message or a reply: everything said about the address goes through these.
 */

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;

/** An address, or text from git (its errors quote the address), with the user and password of every address replaced. */
export function redactCredentials(text: string): string {
	return text.replace(USERINFO, '$1***@');
}

/** The user and password of an address, as written and decoded, for the logger to mask wherever they appear. */
export function urlSecrets(url: string): string[] {
	const match = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(url);
	if (!match?.[1]) return [];
	const out = new Set<string>();
	for (const part of match[1].split(':')) {
		if (!part) continue;
		out.add(part);
		try {
			out.add(decodeURIComponent(part));
		} catch {
			// A malformed escape is kept as written; git would refuse the address anyway.
		}
	}
	return [...out];
}

/**
 * Whether two addresses name one repository: credentials, a trailing slash or `.git`, and the
 * case of the scheme and host do not count (a rotated token is still the same repository).
 */
export function sameRepository(a: string, b: string): boolean {
	return normalise(a) === normalise(b);
}

function normalise(url: string): string {
	let out = url.trim().replace(USERINFO, '$1');
	out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/]*)/i, (head) => head.toLowerCase());
	return out.replace(/\/+$/, '').replace(/\.git$/, '');
}
