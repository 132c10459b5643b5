import type { ArchivedPaper, Paper, ParseResult, Problem } from '../digest/schema.ts';
import { IN_MEMORY, openIndex, type IndexDb } from './index-db.ts';

export interface DayDigest {
	date: string;
	files: string[];
	papers: ArchivedPaper[];
}

/**
 * What one file change did. The other parts of the archive drop or refresh their caches from
 * this, so it names only real differences: rewriting a file with the same papers changes nothing.
 */
export interface ArchiveChange {
	/** Days whose papers (as readers see them, line numbers aside) were added, altered or removed, sorted. */
	dates: string[];
	/** Papers whose archived entry (newest appearance, or the dates it appeared on) was added, altered or removed, sorted. */
	papers: string[];
}

/** A file's size and modification time when it was read: unchanged, it is not read again. */
export interface FileStamp {
	size: number;
	mtimeMs: number;
}

/** A paper as a digest lists it, line number aside, held as JSON in the index. */
export type StoredPaper = Omit<Paper, 'line'>;

// Field by field rather than a rest spread, which V8 makes slow, on the start-up path of every paper.
export function archived(p: StoredPaper, date: string, dates: string[]): ArchivedPaper {
	const out: ArchivedPaper = {
		id: p.id,
		title: p.title,
		url: p.url,
		votes: p.votes,
		authors: p.authors,
		thumbnail: p.thumbnail,
		summary: p.summary,
		date,
		dates,
	};
	if (p.affiliation !== undefined) out.affiliation = p.affiliation;
	if (p.pageUrl !== undefined) out.pageUrl = p.pageUrl;
	return out;
}

/** The JSON a paper is kept as: fields in one order, no line, so equal papers give equal text. */
export function paperJson(p: StoredPaper): string {
	return JSON.stringify([p.id, p.title, p.url, p.votes, p.authors, p.thumbnail, p.summary, p.affiliation ?? null, p.pageUrl ?? null]);
}

type PaperFields = [string, string, string, number | null, string[], string | null, Paper['summary'], string | null, string | null];

export function fromJson(json: string): StoredPaper {
	return fromFields(JSON.parse(json) as PaperFields);
}

function fromFields([id, title, url, votes, authors, thumbnail, summary, affiliation, pageUrl]: PaperFields): StoredPaper {
	const p: StoredPaper = { id, title, url, votes, authors, thumbnail, summary };
	if (affiliation !== null) p.affiliation = affiliation;
	if (pageUrl !== null) p.pageUrl = pageUrl;
	return p;
}

/** The day a file's reading contributes to: none when it holds no digest, or a digest of no paper (an empty day is no day). */
function dayOf(result: ParseResult | undefined): string | undefined {
	const digest = result?.digest;
	return digest && digest.papers.length > 0 ? digest.date : undefined;
}

/** A paper's entry was added, altered or removed; the search index follows it. */
export type PaperListener = (n: number, paper: StoredPaper | null, before: StoredPaper | null) => void;

type Row = Record<string, unknown>;

/**
 * The day bookkeeping, in the index: which file holds which day, each day's papers merged
 * across its files, and every paper by id with the dates it appeared on. Files are added or
 * replaced one at a time, each in one transaction; only the days and papers they touch are
 * rebuilt. Nothing here is kept in the JS heap but the list of dates.
 */
export class Days {
	private sortedDates: string[] | null = null;
	private dateSet: Set<string> | null = null;
	private readonly listeners: PaperListener[] = [];
	private readonly q;

	constructor(readonly db: IndexDb = openIndex(IN_MEMORY, '').db) {
		const p = (sql: string) => db.prepare(sql);
		this.q = {
			fileDate: p('SELECT date FROM files WHERE file = ?').pluck(),
			putFile: p('INSERT OR REPLACE INTO files (file, size, mtime_ms, date, problems) VALUES (?, ?, ?, ?, ?)'),
			dropFile: p('DELETE FROM files WHERE file = ?'),
			dropFilePapers: p('DELETE FROM file_papers WHERE file = ?'),
			putFilePaper: p('INSERT INTO file_papers (file, pos, id, votes, paper) VALUES (?, ?, ?, ?, ?)'),
			filesOn: p('SELECT file FROM files WHERE date = ? ORDER BY file').pluck(),
			papersOfFile: p('SELECT id, votes, paper FROM file_papers WHERE file = ? ORDER BY pos'),
			dayPapers: p('SELECT id, paper FROM day_papers WHERE date = ? ORDER BY pos'),
			dropDay: p('DELETE FROM days WHERE date = ?'),
			dropDayPapers: p('DELETE FROM day_papers WHERE date = ?'),
			putDay: p('INSERT OR REPLACE INTO days (date, files, problems) VALUES (?, ?, ?)'),
			putDayPaper: p('INSERT INTO day_papers (date, pos, id, votes, paper) VALUES (?, ?, ?, ?, ?)'),
			appearances: p('SELECT date, votes, paper FROM day_papers WHERE id = ? ORDER BY date DESC'),
			entry: p('SELECT n, date, dates, paper, best_votes, best_date FROM papers WHERE id = ?'),
			insertEntry: p('INSERT INTO papers (id, date, dates, votes, paper, best_votes, best_date) VALUES (?, ?, ?, ?, ?, ?, ?)'),
			updateEntry: p('UPDATE papers SET date = ?, dates = ?, votes = ?, paper = ?, best_votes = ?, best_date = ? WHERE n = ?'),
			updateBest: p('UPDATE papers SET best_votes = ?, best_date = ? WHERE n = ?'),
			dropEntry: p('DELETE FROM papers WHERE n = ?'),
			paper: p('SELECT date, dates, paper FROM papers WHERE id = ?'),
			// One JSON text for the whole day: a day of many thousand papers is read back in one parse, not one per paper.
			digest: p(
				`SELECT '[' || group_concat('[' || d.paper || ',' || p.dates || ']', ',' ORDER BY d.pos) || ']'
				 FROM day_papers d JOIN papers p ON p.id = d.id WHERE d.date = ?`,
			).pluck(),
			dayFiles: p('SELECT files FROM days WHERE date = ?').pluck(),
			dates: p('SELECT date FROM days ORDER BY date DESC').pluck(),
			fileProblems: p('SELECT problems FROM files ORDER BY file').pluck(),
			dayProblems: p('SELECT problems FROM days WHERE problems IS NOT NULL ORDER BY date').pluck(),
			digestFiles: p('SELECT file, date FROM files WHERE date IS NOT NULL ORDER BY file'),
			idsOfFile: p('SELECT id FROM file_papers WHERE file = ? ORDER BY pos').pluck(),
			stamps: p('SELECT file, size, mtime_ms FROM files WHERE size IS NOT NULL'),
			counts: p('SELECT (SELECT count(*) FROM files) AS files, (SELECT count(*) FROM days) AS digests, (SELECT count(*) FROM papers) AS papers'),
		};
	}

	/** Forgets what it keeps of the index, after another connection wrote to it. */
	reread(): void {
		this.sortedDates = null;
		this.dateSet = null;
	}

	/** Told of every paper whose entry changed, inside the change's transaction. */
	onPaper(listener: PaperListener): void {
		this.listeners.push(listener);
	}

	/** Replaces the contribution of one file; `stamp` is what it was read at, kept so an unchanged file is not read again. */
	setFile(file: string, result: ParseResult, stamp?: FileStamp): ArchiveChange {
		return this.db.transaction(() => {
			const before = this.q.fileDate.get(file) as string | null | undefined;
			const after = dayOf(result) ?? null;
			this.q.putFile.run(file, stamp?.size ?? null, stamp?.mtimeMs ?? null, after, JSON.stringify(result.problems));
			this.q.dropFilePapers.run(file);
			const change = new Changes();
			if (after !== null) {
				result.digest?.papers.forEach((p, i) => {
					const json = paperJson(p);
					this.q.putFilePaper.run(file, i, p.id, votesKey(p.votes), json);
					// The file's own papers are at hand: the search index is fed from them, not from their JSON read back.
					change.known.set(json, p);
				});
			}
			if (before != null) this.rebuildDay(before, change);
			if (after !== null && after !== before) this.rebuildDay(after, change);
			return change.done();
		})();
	}

	removeFile(file: string): ArchiveChange {
		return this.db.transaction(() => {
			const before = this.q.fileDate.get(file) as string | null | undefined;
			this.q.dropFile.run(file);
			this.q.dropFilePapers.run(file);
			const change = new Changes();
			if (before != null) this.rebuildDay(before, change);
			return change.done();
		})();
	}

	/** Every file read with its stamp: what the loader need not read again. */
	stamps(): Map<string, FileStamp> {
		const rows = this.q.stamps.all() as { file: string; size: number; mtime_ms: number }[];
		return new Map(rows.map((r) => [r.file, { size: r.size, mtimeMs: r.mtime_ms }]));
	}

	/** A paper by its normalised id: its newest appearance and every date it appeared on. */
	paper(id: string): ArchivedPaper | undefined {
		const row = this.q.paper.get(id) as { date: string; dates: string; paper: string } | undefined;
		return row ? archived(fromJson(row.paper), row.date, JSON.parse(row.dates) as string[]) : undefined;
	}

	/** Digest dates, newest first. */
	dates(): string[] {
		this.sortedDates ??= this.q.dates.all() as string[];
		return this.sortedDates;
	}

	hasDate(date: string): boolean {
		this.dateSet ??= new Set(this.dates());
		return this.dateSet.has(date);
	}

	digest(date: string): DayDigest | undefined {
		const files = this.q.dayFiles.get(date) as string | undefined;
		if (files === undefined) return undefined;
		const rows = JSON.parse((this.q.digest.get(date) as string | null) ?? '[]') as [PaperFields, string[]][];
		return { date, files: JSON.parse(files) as string[], papers: rows.map(([fields, dates]) => archived(fromFields(fields), date, dates)) };
	}

	problems(): Problem[] {
		const out: Problem[] = [];
		for (const json of this.q.fileProblems.all() as string[]) out.push(...(JSON.parse(json) as Problem[]));
		for (const json of this.q.dayProblems.all() as string[]) out.push(...(JSON.parse(json) as Problem[]));
		return out;
	}

	digests(): { file: string; date: string; papers: string[] }[] {
		const rows = this.q.digestFiles.all() as { file: string; date: string }[];
		return rows.map(({ file, date }) => ({ file, date, papers: this.q.idsOfFile.all(file) as string[] }));
	}

	stats(): { files: number; digests: number; papers: number } {
		return this.q.counts.get() as { files: number; digests: number; papers: number };
	}

	private rebuildDay(date: string, change: Changes): void {
		const files = this.q.filesOn.all(date) as string[];
		const merged: { id: string; votes: number; paper: string }[] = [];
		const seen = new Set<string>();
		for (const file of files) {
			for (const row of this.q.papersOfFile.all(file) as { id: string; votes: number; paper: string }[]) {
				if (seen.has(row.id)) continue;
				seen.add(row.id);
				merged.push(row);
			}
		}
		const [first, ...others] = files;
		const problems: Problem[] = others.map((other) => ({
			file: other,
			line: 0,
			level: 'warning',
			message: `holds the digest for ${date}, as does ${first}; their papers are merged by id`,
		}));
		const old = this.q.dayPapers.all(date) as { id: string; paper: string }[];
		const had = old.length > 0;
		const same = had && old.length === merged.length && old.every((o, i) => o.paper === merged[i]?.paper);
		this.q.dropDayPapers.run(date);
		if (files.length === 0) {
			this.q.dropDay.run(date);
		} else {
			this.q.putDay.run(date, JSON.stringify(files), problems.length > 0 ? JSON.stringify(problems) : null);
			merged.forEach((row, i) => this.q.putDayPaper.run(date, i, row.id, row.votes, row.paper));
		}
		if (had !== files.length > 0) {
			this.sortedDates = null;
			this.dateSet = null;
		}
		if (!same && (had || files.length > 0)) change.dates.add(date);
		if (same) return;
		for (const o of old) if (!seen.has(o.id)) this.refreshPaper(o.id, change);
		for (const id of seen) this.refreshPaper(id, change);
	}

	private refreshPaper(id: string, change: Changes): void {
		const apps = this.q.appearances.all(id) as { date: string; votes: number; paper: string }[];
		const prev = this.q.entry.get(id) as Row | undefined;
		const prevN = prev?.['n'] as number | undefined;
		const newest = apps[0];
		if (!newest) {
			if (prevN === undefined) return;
			this.q.dropEntry.run(prevN);
			change.papers.add(id);
			for (const l of this.listeners) l(prevN, null, fromJson(prev?.['paper'] as string));
			return;
		}
		// Dates descend, so among equal votes the newest appearance is the best.
		let best = newest;
		for (const a of apps) if (a.votes > best.votes) best = a;
		const dates = JSON.stringify(apps.map((a) => a.date));
		if (prevN !== undefined && prev?.['date'] === newest.date && prev['dates'] === dates && prev['paper'] === newest.paper) {
			if (prev['best_votes'] !== best.votes || prev['best_date'] !== best.date) this.q.updateBest.run(best.votes, best.date, prevN);
			return;
		}
		const paper = change.known.get(newest.paper) ?? fromJson(newest.paper);
		change.papers.add(id);
		if (prevN === undefined) {
			const n = Number(this.q.insertEntry.run(id, newest.date, dates, newest.votes, newest.paper, best.votes, best.date).lastInsertRowid);
			for (const l of this.listeners) l(n, paper, null);
			return;
		}
		this.q.updateEntry.run(newest.date, dates, newest.votes, newest.paper, best.votes, best.date, prevN);
		if (prev?.['paper'] !== newest.paper) for (const l of this.listeners) l(prevN, paper, fromJson(prev?.['paper'] as string));
	}
}

/** Votes as the index sorts them: a paper without a count below every counted one. */
export function votesKey(votes: number | null): number {
	return votes ?? -1;
}

class Changes {
	readonly known = new Map<string, StoredPaper>();
	readonly dates = new Set<string>();
	readonly papers = new Set<string>();
	done(): ArchiveChange {
		return { dates: [...this.dates].sort(), papers: [...this.papers].sort() };
	}
}
