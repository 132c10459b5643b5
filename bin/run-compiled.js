// `npm start` and `npm run start:sharded`: the bot as compiled JavaScript on plain node, which
// starts faster and holds less memory than compiling TypeScript as it loads. dist/ is built
// first when it is missing or older than a source file, so a fresh clone or an edit just works.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', '.built');

/** The newest modification time among the files the build reads. */
function newestSource() {
	let newest = 0;
	const visit = (path) => {
		const st = statSync(path);
		if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
		else newest = Math.max(newest, st.mtimeMs);
	};
	for (const part of ['src', 'commands', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) visit(join(ROOT, part));
	return newest;
}

/** Compiles the sources into dist/ and marks it built; false (the compiler said why) when it fails. */
export function build() {
	const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
	if (result.status !== 0) return false;
	// Written after a whole build, so a build cut short is built again on the next start.
	writeFileSync(STAMP, new Date().toISOString());
	return true;
}

/** Builds dist/ if a source is newer than it, then runs `entry` (a path under dist/) in this process. */
export async function runCompiled(entry) {
	const built = existsSync(STAMP) && existsSync(join(ROOT, entry)) ? statSync(STAMP).mtimeMs : 0;
	if (built < newestSource()) {
		console.error('paperboy: building dist/ from the TypeScript sources (first start, or a source changed)…');
		if (!build()) {
			console.error('paperboy: the build failed (see above); `npm run dev` runs the sources directly');
			process.exit(1);
		}
	}
	// The entry sees itself as the script node ran, as it would under `node dist/src/…`.
	process.argv[1] = join(ROOT, entry);
	await import(pathToFileURL(join(ROOT, entry)).href);
}
