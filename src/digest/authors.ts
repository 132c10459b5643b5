/**
 * Reads an `Authors:` value: a comma-separated list, or a Python list literal
 * (`['A', "O'B"]`) as one producer era wrote it.
 */
export function parseAuthors(value: string): string[] {
	const text = value.trim();
	if (text.startsWith('[') && text.endsWith(']')) return parseListLiteral(text.slice(1, -1));
	return clean(text.split(','));
}

function parseListLiteral(inner: string): string[] {
	const out: string[] = [];
	let i = 0;
	while (i < inner.length) {
		const ch = inner[i];
		if (ch === "'" || ch === '"') {
			let j = i + 1;
			let item = '';
			while (j < inner.length && inner[j] !== ch) {
				if (inner[j] === '\\' && j + 1 < inner.length) {
					item += inner[j + 1];
					j += 2;
				} else {
					item += inner[j];
					j += 1;
				}
			}
			out.push(item);
			i = j + 1;
		} else if (ch === ',' || ch === ' ' || ch === '\t') {
			i += 1;
		} else {
			// An unquoted entry: up to the next comma.
			const end = inner.indexOf(',', i);
			out.push(inner.slice(i, end === -1 ? inner.length : end));
			i = end === -1 ? inner.length : end + 1;
		}
	}
	return clean(out);
}

function clean(names: string[]): string[] {
	return names.map((n) => n.replace(/\s+/g, ' ').trim()).filter((n) => n.length > 0);
}
