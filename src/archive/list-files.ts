import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const DIGEST_EXT = /\.(md|txt)$/i;

/** A digest file found under the folder: its path as named there (with `/`), and the real file to read. */
export interface ListedFile {
	file: string;
	real: string;
}

/**
 * Something under the folder that was not followed or not read: a folder that cannot be
 * listed, a symlink that loops, points outside the folder or to nothing.
 */
export interface ListingProblem {
	/** Path relative to the folder, with `/`. */
	file: string;
	kind: 'unreadable' | 'loop' | 'outside' | 'broken';
	message: string;
}

export interface Listing {
	files: ListedFile[];
	problems: ListingProblem[];
}

function skipped(name: string): boolean {
	return name.startsWith('.') || name === 'node_modules';
}

function inside(root: string, real: string): boolean {
	return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function code(err: unknown): string {
	return (err as NodeJS.ErrnoException | undefined)?.code ?? String(err);
}

interface Link {
	file: string;
	/** The real folder the link sits in. */
	parent: string;
	name: string;
}

/**
 * Every `.md` and `.txt` file under `dir`, recursively, sorted by path. Symlinks are followed
 * while they stay inside `dir`; one that leaves it is refused, so a digest repository cannot
 * make the bot read other files of the machine. Each real file and folder is read once: a
 * `latest.md` linking to a day's file adds nothing, and a link back up the tree ends there.
 * Real folders are walked before any link, so a file keeps the path it has without links.
 */
export async function walkDigestDir(dir: string): Promise<Listing> {
	const root = await realpath(dir);
	const byReal = new Map<string, string>();
	const visited = new Set<string>();
	const links: Link[] = [];
	const problems: ListingProblem[] = [];

	const walk = async (rel: string, real: string): Promise<void> => {
		visited.add(real);
		let entries;
		try {
			entries = await readdir(real, { withFileTypes: true });
		} catch (err) {
			if (rel === '') throw err;
			// A folder removed while we walk is simply gone; one we may not read is reported.
			const why = code(err);
			if (why !== 'ENOENT' && why !== 'ENOTDIR')
				problems.push({ file: rel, kind: 'unreadable', message: `folder cannot be read (${why}); its digests are not loaded` });
			return;
		}
		for (const e of entries) {
			if (skipped(e.name)) continue;
			const child = rel ? `${rel}/${e.name}` : e.name;
			const childReal = path.join(real, e.name);
			if (e.isSymbolicLink()) links.push({ file: child, parent: real, name: e.name });
			else if (e.isDirectory()) await walk(child, childReal);
			else if (e.isFile() && DIGEST_EXT.test(e.name) && !byReal.has(childReal)) byReal.set(childReal, child);
		}
	};

	const follow = async (link: Link): Promise<void> => {
		const full = path.join(link.parent, link.name);
		let target: string;
		try {
			target = await realpath(full);
		} catch (err) {
			const why = code(err);
			if (why === 'ELOOP') problems.push({ file: link.file, kind: 'loop', message: 'symlink loop (it leads back to itself); skipped' });
			else if (why === 'ENOENT') problems.push({ file: link.file, kind: 'broken', message: 'symlink points to nothing; skipped' });
			else problems.push({ file: link.file, kind: 'unreadable', message: `symlink cannot be followed (${why}); skipped` });
			return;
		}
		const info = await stat(target).catch(() => null);
		if (!info || !(info.isDirectory() || (info.isFile() && DIGEST_EXT.test(link.name)))) return;
		if (!inside(root, target)) {
			problems.push({ file: link.file, kind: 'outside', message: 'symlink points outside the digest folder; not followed' });
			return;
		}
		if (info.isFile()) {
			if (!byReal.has(target)) byReal.set(target, link.file);
			return;
		}
		if (inside(target, link.parent)) {
			problems.push({ file: link.file, kind: 'loop', message: 'symlink loop (it points to a folder that holds it); skipped' });
			return;
		}
		if (!visited.has(target)) await walk(link.file, target);
	};

	await walk('', root);
	// Links found while following links join the queue; each real folder is walked once, so it ends.
	for (let i = 0; i < links.length; i++) await follow(links[i] as Link);
	const files = [...byReal].map(([real, file]) => ({ file, real })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
	problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
	return { files, problems };
}

/** The digest files under `dir` as sorted paths relative to `dir` (with `/`). */
export async function listDigestFiles(dir: string): Promise<string[]> {
	return (await walkDigestDir(dir)).files.map((f) => f.file);
}
