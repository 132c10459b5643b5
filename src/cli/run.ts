import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Archive, TOP_PERIODS, type TopPeriod } from '../archive/archive.ts';
import { loadArchive } from '../archive/load.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { parseArxivId } from '../digest/arxiv.ts';
import { IsoDate, type ArchivedPaper, type Problem } from '../digest/schema.ts';
import { EXPORT_FORMATS, exportPapers, type ExportFormat } from './export.ts';
import { paperJson } from './paper-json.ts';
import { digestMessages } from '../render/embed.ts';

export interface CliIo {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	env?: Record<string, string | undefined>;
	cwd?: string;
}

/** Exit codes: 0 ok, 1 `check` found a file that is not a digest, 2 usage or unknown id/date. */
class UsageError extends Error {}

const USAGE = `Usage: paperboy <command> [options]

Commands:
  check [DIR] [--json]                      read every digest under DIR (default DIGEST_DIR) and list problems
  paper <id-or-url> [--json]                one paper from the archive
  digest [YYYY-MM-DD|latest] [--json|--payloads]
                                            one day's digest; --payloads prints the Discord message bodies
  top [--period day|week|month|year|all] [--date YYYY-MM-DD] [--limit N] [--json]
  search <query> [--limit N] [--json]
  export [DIR] [--format jsonl|csv]         every paper of every digest file, one per line, with the file it is in

Options:
  --dir DIR   digest folder (default: DIGEST_DIR, or ./data)
`;

function paperText(p: ArchivedPaper): string {
	const lines = [`${p.title}`, `  ${p.url}`, `  ${p.id} · ${p.dates.length > 1 ? `dates ${p.dates.join(', ')}` : `date ${p.date}`} · votes ${p.votes ?? '–'}`];
	if (p.authors.length > 0) lines.push(`  authors: ${p.authors.join(', ')}`);
	if (p.thumbnail) lines.push(`  thumbnail: ${p.thumbnail}`);
	for (const s of p.summary) lines.push(`  - ${s.label ? `${s.label}: ` : ''}${s.text.replace(/\n/g, '\n    ')}`);
	return lines.join('\n');
}

function oneLine(p: ArchivedPaper, rank?: number): string {
	const votes = p.votes === null ? '   –' : String(p.votes).padStart(4);
	return `${rank === undefined ? '' : `${String(rank).padStart(3)}. `}${votes}  ${p.id.padEnd(10)}  ${p.date}  ${p.title}`;
}

function problemLine(p: Problem): string {
	// A problem of the whole file (a second file for one date, a file that could not be parsed) has no line.
	return `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.level}: ${p.message}`;
}

function json(value: unknown): string {
	return `${JSON.stringify(value, null, 2)}\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
	try {
		return await dispatch(argv, io);
	} catch (err) {
		if (err instanceof UsageError) {
			io.stderr(`paperboy: ${err.message}\n`);
			return 2;
		}
		if (err instanceof ConfigError) {
			io.stderr(`${err.message}\n`);
			return 2;
		}
		throw err;
	}
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
	const [command, ...rest] = argv;
	if (!command || command === 'help' || command === '--help' || command === '-h') {
		(command ? io.stdout : io.stderr)(USAGE);
		return command ? 0 : 2;
	}
	let parsed;
	try {
		parsed = parseArgs({
			args: rest,
			allowPositionals: true,
			options: {
				json: { type: 'boolean', default: false },
				payloads: { type: 'boolean', default: false },
				dir: { type: 'string' },
				period: { type: 'string' },
				date: { type: 'string' },
				limit: { type: 'string' },
				format: { type: 'string' },
			},
		});
	} catch (err) {
		throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
	}
	const { values, positionals } = parsed;
	const cwd = io.cwd ?? process.cwd();
	const defaultDir = () => path.resolve(cwd, values.dir ?? loadConfig(io.env ?? process.env).DIGEST_DIR);
	const limit = values.limit === undefined ? undefined : Number(values.limit);
	if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) {
		throw new UsageError(`--limit must be a whole number from 1 to 1000, not "${values.limit}"`);
	}

	switch (command) {
		case 'check': {
			const dir = positionals[0] ? path.resolve(cwd, positionals[0]) : defaultDir();
			return check(dir, values.json === true, io);
		}
		case 'paper': {
			const input = positionals.join(' ').trim();
			if (!input) throw new UsageError('paper needs an arXiv id or link, e.g. `paper 2412.04887`');
			const id = parseArxivId(input);
			if (!id) throw new UsageError(`"${input}" is not an arXiv id or link`);
			const archive = await openArchive(defaultDir());
			const p = archive.paper(id);
			if (!p) throw new UsageError(`no paper ${id} in the archive`);
			io.stdout(values.json ? json(paperJson(p)) : `${paperText(p)}\n`);
			return 0;
		}
		case 'digest': {
			if (values.json && values.payloads) throw new UsageError('choose one of --json and --payloads');
			const wanted = positionals[0] ?? 'latest';
			// A mistyped date is a usage error before the whole archive is read for nothing.
			if (wanted !== 'latest' && !IsoDate.safeParse(wanted).success) throw new UsageError(`"${wanted}" is not a date (YYYY-MM-DD) or "latest"`);
			const archive = await openArchive(defaultDir());
			const date = wanted === 'latest' ? archive.latestDate() : wanted;
			if (date === undefined) throw new UsageError('the archive holds no digest yet');
			const day = archive.digest(date);
			if (!day) throw new UsageError(`no digest for ${date} in the archive (latest: ${archive.latestDate() ?? 'none'})`);
			if (values.payloads) io.stdout(json(digestMessages(day.date, day.papers)));
			else if (values.json) io.stdout(json({ date: day.date, files: day.files, papers: day.papers.map(paperJson) }));
			else {
				io.stdout(`Daily Papers (${day.date}) — ${day.papers.length} papers from ${day.files.join(', ')}\n\n`);
				io.stdout(`${day.papers.map(paperText).join('\n\n')}\n`);
			}
			return 0;
		}
		case 'top': {
			const period = (values.period ?? 'week') as TopPeriod;
			if (!TOP_PERIODS.includes(period)) throw new UsageError(`--period must be one of ${TOP_PERIODS.join(', ')}`);
			if (values.date !== undefined && !IsoDate.safeParse(values.date).success) {
				throw new UsageError(`--date must be a date (YYYY-MM-DD), not "${values.date}"`);
			}
			const archive = await openArchive(defaultDir());
			const papers = archive.top({ period, limit: limit ?? 10, ...(values.date !== undefined ? { date: values.date } : {}) });
			if (values.json) io.stdout(json(papers.map(paperJson)));
			else io.stdout(papers.length ? `${papers.map((p, i) => oneLine(p, i + 1)).join('\n')}\n` : 'no papers in that period\n');
			return 0;
		}
		case 'search': {
			const query = positionals.join(' ').trim();
			if (!query) throw new UsageError('search needs a query, e.g. `search gaussian splatting`');
			const archive = await openArchive(defaultDir());
			const found = archive.search(query, { limit: limit ?? 20 });
			if (values.json) io.stdout(json({ total: found.total, results: found.results.map(paperJson) }));
			else {
				io.stdout(`${found.total} papers match "${query}"${found.total > found.results.length ? ` (first ${found.results.length})` : ''}\n`);
				for (const p of found.results) io.stdout(`${oneLine(p)}\n`);
			}
			return 0;
		}
		case 'export': {
			const format = (values.format ?? 'jsonl') as ExportFormat;
			if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format for export is one of ${EXPORT_FORMATS.join(', ')}, not "${values.format}"`);
			const dir = positionals[0] ? path.resolve(cwd, positionals[0]) : defaultDir();
			await assertDir(dir);
			const done = await exportPapers(dir, format, io.stdout);
			io.stderr(`exported ${done.papers} papers from ${done.digests} of ${done.files} files\n`);
			return 0;
		}
		default:
			throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
	}
}

async function assertDir(dir: string): Promise<void> {
	const info = await stat(dir).catch(() => null);
	if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder of digests`);
}

async function openArchive(dir: string, maxDigestMb?: number): Promise<Archive> {
	await assertDir(dir);
	return loadArchive(dir, maxDigestMb === undefined ? {} : { maxDigestMb });
}

async function check(dir: string, asJson: boolean, io: CliIo): Promise<number> {
	const archive = await openArchive(dir, loadConfig(io.env ?? process.env).MAX_DIGEST_MB);
	const problems = archive.problems();
	const digests = archive.digests();
	const stats = archive.stats();
	const unread = stats.files - digests.length;
	if (asJson) {
		io.stdout(
			json({
				files: stats.files,
				papers: stats.papers,
				digests: digests.map((d) => ({ file: d.file, date: d.date, papers: d.papers })),
				problems: problems.map((p) => ({ file: p.file, line: p.line, level: p.level, message: p.message })),
			}),
		);
	} else {
		for (const p of problems) io.stdout(`${problemLine(p)}\n`);
		const errors = problems.filter((p) => p.level === 'error').length;
		const warnings = problems.length - errors;
		io.stdout(
			`${stats.files} files, ${digests.length} digests over ${stats.digests} days, ${stats.papers} papers; ` +
				`${errors} errors, ${warnings} warnings${unread > 0 ? `; ${unread} files hold no digest` : ''}\n`,
		);
	}
	return unread > 0 ? 1 : 0;
}
