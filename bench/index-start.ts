import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Archive } from '../src/archive/archive.ts';
import { openArchiveIndex } from '../src/archive/index-file.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { silentLogger } from '../src/log.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { rssOf, spawnBot, subscribedGuilds } from './bot-process.ts';
import { latency, time, type Latency } from './archive.ts';
import { benchFolder } from './real-archive.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STRING = 3;
const QUERIES = ['강화 학습', 'diffusion', '언어모델', 'video generation', 'agent', '멀티모달', 'reasoning benchmark', 'LLM'];
const TYPED = ['diff', '언어', 'video gen', 'age', '멀티', 'reason', 'llm', '2501.0'];

export interface StartRun {
	/** Until the gateway is ready and commands are answered. */
	readySeconds: number;
	/** Until a search answers from the whole archive. */
	searchableSeconds: number;
	/** The kernel's high-water mark after the commands. */
	peakRssMb: number;
	commands: Record<string, Latency>;
}
export interface IndexStartResult {
	files: number;
	papers: number;
	realText: boolean;
	subscriptions: number;
	baseline: string | null;
	runs: { before: StartRun[]; first: StartRun[]; indexed: StartRun[] };
	inProcess: Record<string, Latency>;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) * 1000) / 1000;
};
const median = (xs: number[]) => quantile(xs, 0.5);

function git(args: string[], cwd = ROOT): string {
	const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
	return r.stdout.trim();
}

/** The project as it was before the archive left the heap, checked out and built beside this one. */
async function baselineCheckout(rev: string, dir: string): Promise<string> {
	const root = path.join(dir, 'baseline');
	git(['worktree', 'add', '--detach', root, rev]);
	await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
	if (spawnSync(process.execPath, ['bin/build.js'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('the baseline does not build');
	return root;
}

/**
 * Start-up and memory of the real bot (compiled, its own process) on a ten-year archive of real
 * text with 5,000 subscriptions: the code before the index moved out of the heap (every start
 * reads every file), a first start with no index yet, and a start with the index already built.
 * Alternated, so the machine's load falls on all alike; then commands asked in turn through the
 * emulator, and the same look-ups in this process on the index alone.
 */
export async function benchIndexStart(
	opts: {
		archiveDir?: string;
		files?: number;
		subscriptions?: number;
		rounds?: number;
		repeats?: number;
		baseline?: string;
		log?: (line: string) => void;
	} = {},
): Promise<IndexStartResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const subscriptions = opts.subscriptions ?? 5000;
	const rounds = opts.rounds ?? 150;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-index-'));
	const emu = await startEmulator({ validate: false });
	let baselineRoot: string | undefined;
	try {
		const archive = await benchFolder({ days: opts.files ?? 3650, ...(opts.archiveDir ? { archiveDir: opts.archiveDir } : {}) }, dir, log);
		const digests = archive.dir;
		const storeUrl = `sqlite://${path.join(dir, 'state.sqlite')}`;
		const { guildId, channelId } = await subscribedGuilds(emu, storeUrl, subscriptions);

		// The index in this process too: the look-ups alone, and the ids to ask for.
		const index = path.join(dir, 'in-process.archive.sqlite');
		const local = new Archive({ db: openArchiveIndex(index, digests, silentLogger) });
		await new ArchiveLoader({ dir: digests, archive: local }).loadAll();
		const ids = archive.ids ?? local.top({ period: 'all', limit: 100_000 }).map((p) => p.id);
		const inProcess = lookups(local, ids);
		const { papers, files } = local.stats();
		local.close();

		if (spawnSync(process.execPath, ['bin/build.js'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
		const rev = opts.baseline ?? `${git(['log', '--diff-filter=A', '--format=%H', '--', 'src/archive/index-db.ts']).split('\n').at(-1)}^`;
		baselineRoot = rev ? await baselineCheckout(rev, dir) : undefined;

		const run = async (root: string, env: Record<string, string>): Promise<StartRun> => {
			const t0 = Date.now();
			const child = spawnBot(emu, { entry: 'compiled', root, env: { DIGEST_DIR: digests, STORE_URL: storeUrl, ...env } });
			let text = '';
			let readyAt = 0;
			let searchableAt = 0;
			child.stderr.on('data', (chunk: Buffer) => {
				text += chunk.toString('utf8');
				const lines = text.split('\n');
				text = lines.pop() ?? '';
				for (const line of lines) {
					if (line.includes('"msg":"ready"')) readyAt ||= Date.now();
					if (line.includes('"msg":"search index ready"') || (line.includes('"msg":"archive loaded"') && line.includes('"index":')))
						searchableAt ||= Date.now();
				}
			});
			try {
				while (!readyAt || !searchableAt) {
					if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before it was ready`);
					await new Promise((r) => setTimeout(r, 20));
				}
				const seen: Record<string, number[]> = { paper: [], 'top all': [], search: [], autocomplete: [] };
				const ask = async (kind: string, type: 2 | 4, data: Record<string, unknown>) => {
					const handle = emu.interact({ guildId, channelId, type, data });
					await handle.response(10_000);
					seen[kind]?.push(handle.answeredInMs() ?? NaN);
				};
				for (let i = 0; i < rounds; i++) {
					const id = ids[(i * 7919) % ids.length] ?? '';
					await ask('paper', 2, { name: 'paper', type: 1, options: [{ name: 'id', type: STRING, value: id }] });
					await ask('top all', 2, { name: 'top', type: 1, options: [{ name: 'period', type: STRING, value: 'all' }] });
					await ask('search', 2, { name: 'search', type: 1, options: [{ name: 'query', type: STRING, value: QUERIES[i % QUERIES.length] }] });
					await ask('autocomplete', 4, { name: 'paper', type: 1, options: [{ name: 'id', type: STRING, value: TYPED[i % TYPED.length], focused: true }] });
				}
				const rss = await rssOf(child.pid ?? 0);
				return {
					readySeconds: (readyAt - t0) / 1000,
					searchableSeconds: (searchableAt - t0) / 1000,
					peakRssMb: rss.peak,
					commands: Object.fromEntries(Object.entries(seen).map(([k, xs]) => [k, latency(xs)])),
				};
			} finally {
				child.kill('SIGKILL');
				await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
			}
		};

		const runs: IndexStartResult['runs'] = { before: [], first: [], indexed: [] };
		for (let r = 0; r < (opts.repeats ?? 3); r++) {
			const file = path.join(dir, `run-${r}.archive.sqlite`);
			if (baselineRoot) runs.before.push(await run(baselineRoot, {}));
			runs.first.push(await run(ROOT, { ARCHIVE_INDEX: file }));
			runs.indexed.push(await run(ROOT, { ARCHIVE_INDEX: file }));
		}
		const result: IndexStartResult = {
			files,
			papers,
			realText: archive.real,
			subscriptions,
			baseline: baselineRoot ? rev : null,
			runs,
			inProcess,
		};
		report(result, log);
		return result;
	} finally {
		await (emu as Emulator).stop();
		if (baselineRoot && existsSync(baselineRoot)) git(['worktree', 'remove', '--force', baselineRoot]);
		await rm(dir, { recursive: true, force: true });
	}
}

/** The look-ups commands make, timed in this process on the index alone. */
function lookups(a: Archive, ids: string[]): Record<string, Latency> {
	return {
		paper: time(5000, (i) => a.paper(ids[(i * 7919) % ids.length] ?? '')),
		'top all': time(2000, () => a.top({ period: 'all', limit: 100 })),
		'top year': time(200, (i) => a.top({ period: 'year', date: a.dates()[i % 50] ?? '', limit: 100 })),
		search: time(800, (i) => a.search(QUERIES[i % QUERIES.length] ?? '', { limit: 10, offset: (i % 3) * 10 })),
		autocomplete: time(2000, (i) => a.suggest(TYPED[i % TYPED.length] ?? '')),
		digest: time(2000, (i) => a.digest(a.dates()[(i * 31) % a.dates().length] ?? '')),
	};
}

export function summarise(result: IndexStartResult): Record<string, { ready: number; searchable: number; peak: number; search: number; autocomplete: number }> {
	return Object.fromEntries(
		Object.entries(result.runs)
			.filter(([, runs]) => runs.length > 0)
			.map(([k, runs]) => [
				k,
				{
					ready: median(runs.map((r) => r.readySeconds)),
					searchable: median(runs.map((r) => r.searchableSeconds)),
					peak: median(runs.map((r) => r.peakRssMb)),
					search: median(runs.map((r) => r.commands['search']?.p99Ms ?? NaN)),
					autocomplete: median(runs.map((r) => r.commands['autocomplete']?.p99Ms ?? NaN)),
				},
			]),
	);
}

function report(result: IndexStartResult, log: (line: string) => void): void {
	const s = summarise(result);
	log(`archive index (${result.realText ? 'real text' : 'templates'}: ${result.files} files, ${result.papers} papers; ${result.subscriptions} subscriptions)`);
	const names = { before: `before (${result.baseline ?? 'none'})`, first: 'first start, no index', indexed: 'start, index built' } as const;
	for (const [k, v] of Object.entries(s)) {
		log(
			`  ${names[k as keyof typeof names].padEnd(26)} ready ${v.ready} s · searchable ${v.searchable} s · peak RSS ${v.peak} MB · /search p99 ${v.search} ms · autocomplete p99 ${v.autocomplete} ms`,
		);
	}
	const b = s['before'];
	if (b) {
		for (const k of ['first', 'indexed'] as const) {
			const v = s[k];
			if (v)
				log(
					`  ${names[k]} ÷ before: ready ${(v.ready / b.ready).toFixed(2)}× · searchable ${(v.searchable / b.searchable).toFixed(2)}× · peak RSS ${(v.peak / b.peak).toFixed(2)}×`,
				);
		}
	}
	for (const [k, v] of Object.entries(result.inProcess)) log(`  in process ${k.padEnd(12)} p50 ${v.p50Ms} ms · p99 ${v.p99Ms} ms`);
}
