import type { ArchivedPaper, ParseResult, Problem } from '../digest/schema.ts';
import { dayStatements, type DayStatements } from './day-statements.ts';
import { IN_MEMORY, openIndex, type IndexDb } from './index-db.ts';
import { fileInput, type FileInput } from './file-input.ts';
import { archived, fromFields, fromJson, type PaperFields, type StoredPaper } from './stored-paper.ts';

export { archived, fromJson, type StoredPaper } from './stored-paper.ts';

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

/** A paper's entry (row `n`) was added, altered or removed: what it is now and what it was. */
export type PaperEvent = [n: number, paper: StoredPaper | null, before: StoredPaper | null];

/** Told of a change's papers; the search index follows them. */
export type PaperListener = (events: PaperEvent[]) => void;

type Appearance = { date: string; votes: number; k: number };

type Row = Record<string, unknown>;

/*
 * How long a batch's transaction stays open before it is committed and another begun. Longer
 * batches refresh a paper read on many days fewer times and merge fewer full-text segments (a
 * first start on ten years: 3 s batches take 0.75× the time of 1 s ones); what a member asks
 * meanwhile sees the files read at most this long ago.
 */
const BATCH_MS = 3000;

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
	private batching = false;
	private begunAt = 0;
	/** Papers a batch's days touched, refreshed once at its commit: a paper read on several days of one batch costs one refresh. */
	private readonly dirty = new Set<string>();
	/** What a commit between files refreshed, told with the next file's change. */
	private flushed: string[] = [];
	private readonly q: DayStatements;

	constructor(readonly db: IndexDb = openIndex(IN_MEMORY, '').db) {
		this.q = dayStatements(db);
	}

	/**
	 * With `on`, the writes that follow share transactions, committed every few seconds and at
	 * `flush`: the full-text table writes a segment per commit and merges them as they pile up,
	 * so the files read at a start cost far less in a few commits than in one each. Meanwhile a
	 * search may miss what the open transaction added, and a paper's entry (its dates, newest and
	 * best appearance, its words) is brought up to date once at the commit, not at every file. A
	 * crash loses the uncommitted files whole, stamps included: the next scan reads them again.
	 */
	batch(on: boolean): ArchiveChange {
		const change = on ? { dates: [], papers: [] } : this.flush();
		this.batching = on;
		return change;
	}

	/** Commits what the batch holds, so another connection (the parser thread) can write; says which papers it refreshed. */
	flush(): ArchiveChange {
		const papers = this.flushed.splice(0);
		if (!this.db.inTransaction) return { dates: [], papers };
		/*
		 * Each file of a batch is a savepoint, and the full-text table writes a segment at every
		 * savepoint: refreshed here, just before the commit, the batch's papers make one segment,
		 * not one per file. They are read back from the index: holding a batch's papers in the
		 * heap until now costs more than parsing them again.
		 */
		const change = new Changes();
		// Told paper by paper: a batch's papers are not all held at once.
		this.refreshAll(this.dirty, change, () => this.tell(change.events.splice(0)));
		this.dirty.clear();
		this.db.exec('COMMIT');
		return { dates: [], papers: [...new Set([...papers, ...change.papers])].sort() };
	}

	private tell(events: PaperEvent[]): void {
		if (events.length > 0) for (const l of this.listeners) l(events);
	}

	private begin(): void {
		if (!this.batching) return;
		if (this.db.inTransaction && performance.now() - this.begunAt > BATCH_MS) this.flushed = this.flush().papers;
		if (this.db.inTransaction) return;
		this.db.exec('BEGIN');
		this.begunAt = performance.now();
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

	/**
	 * Replaces the contribution of one file, given as its parse or as the parser thread encoded it;
	 * `stamp` is what it was read at, kept so an unchanged file is not read again.
	 */
	setFile(file: string, result: ParseResult | FileInput, stamp?: FileStamp): ArchiveChange {
		this.begin();
		const input = 'digest' in result ? fileInput(result) : result;
		// The file's own papers, when at hand: the search index is fed from them, not from their JSON read back.
		const objects = 'digest' in result ? result.digest?.papers : undefined;
		return this.db.transaction(() => {
			const before = this.q.fileDate.get(file) as string | null | undefined;
			const after = input.date;
			// The days as readers saw them, read before the file's old rows go.
			const oldBefore = before != null ? this.dayPapers(before) : [];
			const oldAfter = after !== null && after !== before ? this.dayPapers(after) : [];
			this.q.putFile.run(file, stamp?.size ?? null, stamp?.mtimeMs ?? null, after, JSON.stringify(input.problems));
			this.q.dropFilePapers.run(file);
			const change = new Changes();
			input.papers.forEach((p, i) => {
				this.q.putFilePaper.run(file, i, p.id, p.votes, p.json);
				const object = objects?.[i];
				if (object) change.known.set(p.json, object);
			});
			if (before != null) this.rebuildDay(before, oldBefore, change);
			if (after !== null && after !== before) this.rebuildDay(after, oldAfter, change);
			this.tell(change.events);
			return this.done(change);
		})();
	}

	removeFile(file: string): ArchiveChange {
		this.begin();
		return this.db.transaction(() => {
			const before = this.q.fileDate.get(file) as string | null | undefined;
			const old = before != null ? this.dayPapers(before) : [];
			this.q.dropFile.run(file);
			this.q.dropFilePapers.run(file);
			const change = new Changes();
			if (before != null) this.rebuildDay(before, old, change);
			this.tell(change.events);
			return this.done(change);
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

	private dayPapers(date: string): { id: string; paper: string }[] {
		return this.q.dayPapers.all(date) as { id: string; paper: string }[];
	}

	/** Merges the day's files again; `old` is what the day held before the change. */
	private rebuildDay(date: string, old: { id: string; paper: string }[], change: Changes): void {
		const files = this.q.filesOn.all(date) as string[];
		const merged: { k: number; id: string; votes: number }[] = [];
		const seen = new Set<string>();
		for (const file of files) {
			for (const row of this.q.papersOfFile.all(file) as { k: number; id: string; votes: number }[]) {
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
		const had = old.length > 0;
		this.q.dropDayPapers.run(date);
		if (files.length === 0) {
			this.q.dropDay.run(date);
		} else {
			this.q.putDay.run(date, JSON.stringify(files), problems.length > 0 ? JSON.stringify(problems) : null);
			merged.forEach((row, i) => this.q.putDayPaper.run(date, i, row.id, row.votes, row.k));
		}
		// Read back only to compare: a day that had no papers (every day of a first start) is new whatever it holds.
		const now = had ? this.dayPapers(date) : [];
		const same = had && old.length === now.length && old.every((o, i) => o.paper === now[i]?.paper);
		if (had !== files.length > 0) this.dateChanged(date, files.length > 0);
		if (!same && (had || files.length > 0)) change.dates.add(date);
		if (same) return;
		const touched = [...old.map((o) => o.id).filter((id) => !seen.has(id)), ...seen];
		if (this.batching) for (const id of touched) this.dirty.add(id);
		else this.refreshAll(touched, change);
	}

	/*
	 * In the order the search ranks papers, rising: votes, then day, then id falling. New entries
	 * take rising row numbers in that order, so among equal votes the later day ranks first and
	 * then the lower id; and the full-text table, whose row numbers are those ranks, is handed
	 * rising ones, which it keeps in one pending segment (a lower one makes it write out what it
	 * holds first).
	 */
	private refreshAll(ids: Iterable<string>, change: Changes, each?: () => void): void {
		const order = [...ids].map((id) => ({ id, apps: this.q.appearances.all(id) as Appearance[] }));
		order.sort(
			(a, b) =>
				(a.apps[0]?.votes ?? -2) - (b.apps[0]?.votes ?? -2) ||
				(a.apps[0]?.date ?? '').localeCompare(b.apps[0]?.date ?? '') ||
				(a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
		);
		for (const { id, apps } of order) {
			this.refreshPaper(id, apps, change);
			each?.();
		}
	}

	/** The change a file made, with the papers a commit just before it refreshed. */
	private done(change: Changes): ArchiveChange {
		for (const id of this.flushed.splice(0)) change.papers.add(id);
		return change.done();
	}

	/** Keeps the date list in step with a day that came or went, without reading ten years of dates again per file. */
	private dateChanged(date: string, present: boolean): void {
		if (this.sortedDates) {
			// A new array: callers may hold the old one.
			const rest = this.sortedDates.filter((d) => d !== date);
			if (present) rest.splice(descendingIndex(rest, date), 0, date);
			this.sortedDates = rest;
		}
		if (present) this.dateSet?.add(date);
		else this.dateSet?.delete(date);
	}

	/** Brings a paper's entry in step with its appearances (`apps`, newest first). */
	private refreshPaper(id: string, apps: Appearance[], change: Changes): void {
		const prev = this.q.entry.get(id) as Row | undefined;
		const prevN = prev?.['n'] as number | undefined;
		const newest = apps[0];
		if (!newest) {
			if (prevN === undefined) return;
			this.q.dropEntry.run(prevN);
			change.papers.add(id);
			change.events.push([prevN, null, fromJson(prev?.['paper'] as string)]);
			return;
		}
		// Dates descend, so among equal votes the newest appearance is the best.
		let best = newest;
		for (const a of apps) if (a.votes > best.votes) best = a;
		const dates = JSON.stringify(apps.map((a) => a.date));
		const newestPaper = this.q.appearance.get(newest.k) as string;
		if (prevN !== undefined && prev?.['date'] === newest.date && prev['dates'] === dates && prev['paper'] === newestPaper) {
			if (prev['best_votes'] !== best.votes || prev['best_date'] !== best.date) this.q.updateBest.run(best.votes, best.date, prevN);
			return;
		}
		const paper = change.known.get(newestPaper) ?? fromJson(newestPaper);
		change.papers.add(id);
		if (prevN === undefined) {
			const n = Number(this.q.insertEntry.run(id, newest.date, dates, newest.votes, newestPaper, best.votes, best.date).lastInsertRowid);
			change.events.push([n, paper, null]);
			return;
		}
		this.q.updateEntry.run(newest.date, dates, newest.votes, newestPaper, best.votes, best.date, prevN);
		if (prev?.['paper'] !== newestPaper) change.events.push([prevN, paper, fromJson(prev?.['paper'] as string)]);
	}
}

/** Where `date` goes in dates sorted newest first. */
function descendingIndex(dates: readonly string[], date: string): number {
	let lo = 0;
	let hi = dates.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((dates[mid] ?? '') > date) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

class Changes {
	readonly known = new Map<string, StoredPaper>();
	readonly events: PaperEvent[] = [];
	readonly dates = new Set<string>();
	readonly papers = new Set<string>();
	done(): ArchiveChange {
		return { dates: [...this.dates].sort(), papers: [...this.papers].sort() };
	}
}
