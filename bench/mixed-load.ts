import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { rssOf, spawnBot, subscribedGuilds } from './bot-process.ts';
import { benchFolder } from './real-archive.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STRING = 3;

export interface CommandFigures {
	p50: number;
	p99: number;
	answered: number;
	late: number;
}
export interface MixedLoadResult {
	files: number;
	papers: number;
	realText: boolean;
	subscriptions: number;
	rounds: number;
	/** Until the bot answers commands (the gateway ready). */
	readySeconds: number;
	/** Until the search index is whole too. */
	startSeconds: number;
	commands: Record<string, CommandFigures>;
	peakRssMb: number;
	rssBeforeMb: number;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/**
 * Command latency and memory while commands are answered: the real bot (compiled, its own
 * process, as `npm start` runs it) on a ten-year archive of real text with N subscriptions,
 * asked `/help`, `/paper`, `/top period:all` (paging on), `/search` and `/paper` autocomplete in
 * turn through the emulator. Latency is INTERACTION_CREATE handed to the gateway → the bot's
 * callback received; peak RSS is the kernel's high-water mark over the whole run.
 */
export async function benchMixedLoad(
	opts: { files?: number; archiveDir?: string; subscriptions?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<MixedLoadResult> {
	const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const subscriptions = opts.subscriptions ?? 5000;
	const rounds = opts.rounds ?? 400;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-mixed-'));
	const emu = await startEmulator({ validate: false });
	try {
		const archive = await benchFolder({ days: opts.files ?? 3650, ids: true, ...(opts.archiveDir ? { archiveDir: opts.archiveDir } : {}) }, dir, log);
		const digests = archive.dir;
		// What to ask about: ids and words of the archive itself.
		const ids = archive.ids ?? [];
		const queries = ['강화 학습', 'diffusion', '언어모델', 'video generation', 'agent', '멀티모달', 'reasoning benchmark', 'LLM'];
		const storeUrl = `sqlite://${path.join(dir, 'state.sqlite')}`;
		const { guildId: commandGuild, channelId: commandChannel } = await subscribedGuilds(emu, storeUrl, subscriptions);

		// Built beforehand: a stale dist/ would put the compiler's time into the start-up figure.
		if (spawnSync(process.execPath, ['bin/build.js'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
		const t0 = Date.now();
		const child = spawnBot(emu, { entry: 'compiled', env: { DIGEST_DIR: digests, STORE_URL: storeUrl } });
		let text = '';
		let ready = false;
		let readyAt = 0;
		let indexReady = false;
		child.stderr.on('data', (chunk: Buffer) => {
			text += chunk.toString('utf8');
			const lines = text.split('\n');
			text = lines.pop() ?? '';
			for (const line of lines) {
				if (line.includes('"msg":"ready"') && !ready) {
					ready = true;
					readyAt = Date.now();
				}
				// Built after the load before the index moved out of the heap; searchable once loaded since.
				if (line.includes('"msg":"search index ready"') || (line.includes('"msg":"archive loaded"') && line.includes('"index":'))) indexReady = true;
			}
		});
		try {
			while (!ready || !indexReady) {
				if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before it was ready`);
				await new Promise((r) => setTimeout(r, 50));
			}
			const startSeconds = (Date.now() - t0) / 1000;
			const before = await rssOf(child.pid ?? 0);
			const seen: Record<string, number[]> = { help: [], paper: [], 'top all': [], search: [], autocomplete: [] };
			const ask = async (kind: string, type: 2 | 4, data: Record<string, unknown>) => {
				const handle = emu.interact({ guildId: commandGuild, channelId: commandChannel, type, data });
				await handle.response(10_000);
				seen[kind]?.push(handle.answeredInMs() ?? NaN);
			};
			for (let i = 0; i < rounds; i++) {
				const id = ids[(i * 7919) % ids.length] ?? '';
				await ask('help', 2, { name: 'help', type: 1 });
				await ask('paper', 2, { name: 'paper', type: 1, options: [{ name: 'id', type: STRING, value: id }] });
				await ask('top all', 2, { name: 'top', type: 1, options: [{ name: 'period', type: STRING, value: 'all' }] });
				await ask('search', 2, { name: 'search', type: 1, options: [{ name: 'query', type: STRING, value: queries[i % queries.length] }] });
				await ask('autocomplete', 4, { name: 'paper', type: 1, options: [{ name: 'id', type: STRING, value: id.slice(0, 4 + (i % 4)), focused: true }] });
			}
			const after = await rssOf(child.pid ?? 0);
			const commands = Object.fromEntries(
				Object.entries(seen).map(([k, xs]) => [
					k,
					{ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), answered: xs.length, late: xs.filter((x) => x > 3000).length },
				]),
			);
			const result: MixedLoadResult = {
				files: archive.files,
				papers: ids.length,
				realText: archive.real,
				subscriptions,
				rounds,
				readySeconds: Math.round(((readyAt || Date.now()) - t0) / 100) / 10,
				startSeconds: Math.round(startSeconds * 10) / 10,
				commands,
				peakRssMb: after.peak,
				rssBeforeMb: before.now,
			};
			log(`mixed load (${archive.label}, ${ids.length} papers; ${subscriptions} subscriptions; ${rounds} rounds)`);
			log(`  start-up     ${result.readySeconds} s until commands are answered · ${result.startSeconds} s until the search index is built too`);
			for (const [k, f] of Object.entries(commands)) log(`  ${k.padEnd(12)} p50 ${f.p50} ms · p99 ${f.p99} ms (${f.answered} answered, ${f.late} after 3 s)`);
			log(`  RSS          ${result.rssBeforeMb} MB before the commands · peak ${result.peakRssMb} MB (VmHWM) over the run`);
			return result;
		} finally {
			child.kill('SIGKILL');
		}
	} finally {
		await (emu as Emulator).stop();
		await rm(dir, { recursive: true, force: true });
	}
}
