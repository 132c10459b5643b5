import type { ArchivedPaper, Paper, ParseResult, Problem, SummaryItem } from '../digest/schema.ts';

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

// Field by field rather than a rest spread, which V8 makes slow, on the start-up path of every paper.
export function archived(p: Paper, date: string, dates: string[]): ArchivedPaper {
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

/** The day a file's reading contributes to: none when it holds no digest, or a digest of no paper (an empty day is no day). */
function dayOf(result: ParseResult | undefined): string | undefined {
	const digest = result?.digest;
	return digest && digest.papers.length > 0 ? digest.date : undefined;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSummary(a: readonly SummaryItem[], b: readonly SummaryItem[]): boolean {
	return a.length === b.length && a.every((x, i) => x.label === b[i]?.label && x.text === b[i]?.text);
}

/** Equal as a reader sees it: the line a paper sits on in its file is not part of the digest. */
function samePaper(a: Paper | ArchivedPaper, b: Paper | ArchivedPaper): boolean {
	return (
		a.id === b.id &&
		a.title === b.title &&
		a.url === b.url &&
		a.votes === b.votes &&
		a.thumbnail === b.thumbnail &&
		a.affiliation === b.affiliation &&
		a.pageUrl === b.pageUrl &&
		sameStrings(a.authors, b.authors) &&
		sameSummary(a.summary, b.summary)
	);
}

function sameDay(a: readonly Paper[], b: readonly Paper[]): boolean {
	return a.length === b.length && a.every((p, i) => samePaper(p, b[i] as Paper));
}

/**
 * The day bookkeeping: which file holds which day, each day's papers merged across its files,
 * and every paper by id with the dates it appeared on. Files are added or replaced one at a
 * time; only the days and papers they touch are rebuilt.
 */
export class Days {
	private readonly results = new Map<string, ParseResult>();
	private readonly filesByDate = new Map<string, string[]>();
	private readonly dayPapers = new Map<string, Paper[]>();
	private readonly dayProblems = new Map<string, Problem[]>();
	private readonly appearances = new Map<string, Map<string, Paper>>();
	private readonly entries = new Map<string, ArchivedPaper>();
	private sortedDates: string[] | null = null;

	/** Replaces the contribution of one file. */
	setFile(file: string, result: ParseResult): ArchiveChange {
		const before = dayOf(this.results.get(file));
		this.results.set(file, result);
		const after = dayOf(result);
		if (before !== undefined && before !== after) this.unlinkFile(before, file);
		if (after !== undefined && before !== after) {
			const list = this.filesByDate.get(after) ?? [];
			list.push(file);
			list.sort();
			this.filesByDate.set(after, list);
		}
		const change = new Changes();
		if (before !== undefined) this.rebuildDay(before, change);
		if (after !== undefined && after !== before) this.rebuildDay(after, change);
		return change.done();
	}

	removeFile(file: string): ArchiveChange {
		const before = dayOf(this.results.get(file));
		this.results.delete(file);
		const change = new Changes();
		if (before !== undefined) {
			this.unlinkFile(before, file);
			this.rebuildDay(before, change);
		}
		return change.done();
	}

	/** A paper by its normalised id: its newest appearance and every date it appeared on. */
	paper(id: string): ArchivedPaper | undefined {
		return this.entries.get(id);
	}

	papers(): IterableIterator<ArchivedPaper> {
		return this.entries.values();
	}

	/** Digest dates, newest first. */
	dates(): string[] {
		this.sortedDates ??= [...this.dayPapers.keys()].sort().reverse();
		return this.sortedDates;
	}

	hasDate(date: string): boolean {
		return this.dayPapers.has(date);
	}

	/** The papers of one day as its files list them, line numbers included. */
	papersOn(date: string): readonly Paper[] {
		return this.dayPapers.get(date) ?? [];
	}

	/** Every day a paper appeared on, with the paper as that day listed it. */
	appearancesOf(id: string): ReadonlyMap<string, Paper> {
		return this.appearances.get(id) ?? new Map();
	}

	digest(date: string): DayDigest | undefined {
		const papers = this.dayPapers.get(date);
		if (!papers) return undefined;
		return {
			date,
			files: [...(this.filesByDate.get(date) ?? [])],
			papers: papers.map((p) => archived(p, date, this.entries.get(p.id)?.dates ?? [date])),
		};
	}

	problems(): Problem[] {
		const out: Problem[] = [];
		for (const file of this.files()) out.push(...(this.results.get(file)?.problems ?? []));
		for (const date of [...this.dayProblems.keys()].sort()) out.push(...(this.dayProblems.get(date) ?? []));
		return out;
	}

	digests(): { file: string; date: string; papers: string[] }[] {
		const out: { file: string; date: string; papers: string[] }[] = [];
		for (const file of this.files()) {
			const d = this.results.get(file)?.digest;
			if (d && dayOf(this.results.get(file)) !== undefined) out.push({ file, date: d.date, papers: d.papers.map((p) => p.id) });
		}
		return out;
	}

	stats(): { files: number; digests: number; papers: number } {
		return { files: this.results.size, digests: this.dayPapers.size, papers: this.entries.size };
	}

	private files(): string[] {
		return [...this.results.keys()].sort();
	}

	private unlinkFile(date: string, file: string): void {
		const list = (this.filesByDate.get(date) ?? []).filter((f) => f !== file);
		if (list.length > 0) this.filesByDate.set(date, list);
		else this.filesByDate.delete(date);
	}

	private rebuildDay(date: string, change: Changes): void {
		const files = this.filesByDate.get(date) ?? [];
		const merged: Paper[] = [];
		const seen = new Set<string>();
		for (const file of files) {
			for (const p of this.results.get(file)?.digest?.papers ?? []) {
				if (seen.has(p.id)) continue;
				seen.add(p.id);
				merged.push(p);
			}
		}
		const problems: Problem[] = [];
		const [first, ...others] = files;
		for (const other of others) {
			problems.push({
				file: other,
				line: 0,
				level: 'warning',
				message: `holds the digest for ${date}, as does ${first}; their papers are merged by id`,
			});
		}
		const old = this.dayPapers.get(date);
		if (problems.length > 0) this.dayProblems.set(date, problems);
		else this.dayProblems.delete(date);
		if (files.length === 0) this.dayPapers.delete(date);
		else this.dayPapers.set(date, merged);
		if ((old === undefined) !== (files.length === 0)) this.sortedDates = null;
		// A day the archive did not hold is news without comparing (the common case at start-up).
		if (old === undefined ? files.length > 0 : files.length === 0 || !sameDay(old, merged)) change.dates.add(date);

		for (const p of old ?? []) this.appearances.get(p.id)?.delete(date);
		for (const p of merged) {
			let apps = this.appearances.get(p.id);
			if (!apps) {
				apps = new Map();
				this.appearances.set(p.id, apps);
			}
			apps.set(date, p);
		}
		for (const p of old ?? []) if (!seen.has(p.id)) this.refreshPaper(p.id, change);
		for (const id of seen) this.refreshPaper(id, change);
	}

	private refreshPaper(id: string, change: Changes): void {
		const apps = this.appearances.get(id);
		if (!apps || apps.size === 0) {
			this.appearances.delete(id);
			if (this.entries.delete(id)) change.papers.add(id);
			return;
		}
		const dates = apps.size === 1 ? [...apps.keys()] : [...apps.keys()].sort().reverse();
		const newest = dates[0] ?? '';
		const source = apps.get(newest);
		if (!source) return;
		const prev = this.entries.get(id);
		// An unchanged entry keeps its object: the ranking and search hold it and compare by identity.
		if (prev && prev.date === newest && sameStrings(prev.dates, dates) && samePaper(prev, source)) return;
		this.entries.set(id, archived(source, newest, dates));
		change.papers.add(id);
	}
}

class Changes {
	readonly dates = new Set<string>();
	readonly papers = new Set<string>();
	done(): ArchiveChange {
		return { dates: [...this.dates].sort(), papers: [...this.papers].sort() };
	}
}
