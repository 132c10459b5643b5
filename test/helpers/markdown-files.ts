import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Every `.md` file under `dir`, sorted by path; none when the folder is absent (the corpus is not on every machine). */
export function markdownFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []))
		.sort();
}
