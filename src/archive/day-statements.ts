import type { IndexDb } from './index-db.ts';

/** The statements the day bookkeeping runs, prepared once per connection. */
export function dayStatements(db: IndexDb) {
	const p = (sql: string) => db.prepare(sql);
	return {
		fileDate: p('SELECT date FROM files WHERE file = ?').pluck(),
		putFile: p('INSERT OR REPLACE INTO files (file, size, mtime_ms, date, problems) VALUES (?, ?, ?, ?, ?)'),
		dropFile: p('DELETE FROM files WHERE file = ?'),
		dropFilePapers: p('DELETE FROM file_papers WHERE file = ?'),
		putFilePaper: p('INSERT INTO file_papers (file, pos, id, votes, paper) VALUES (?, ?, ?, ?, ?)'),
		filesOn: p('SELECT file FROM files WHERE date = ? ORDER BY file').pluck(),
		papersOfFile: p('SELECT k, id, votes FROM file_papers WHERE file = ? ORDER BY pos'),
		dayPapers: p('SELECT d.id, f.paper FROM day_papers d JOIN file_papers f ON f.k = d.k WHERE d.date = ? ORDER BY d.pos'),
		dropDay: p('DELETE FROM days WHERE date = ?'),
		dropDayPapers: p('DELETE FROM day_papers WHERE date = ?'),
		putDay: p('INSERT OR REPLACE INTO days (date, files, problems) VALUES (?, ?, ?)'),
		putDayPaper: p('INSERT INTO day_papers (date, pos, id, votes, k) VALUES (?, ?, ?, ?, ?)'),
		appearances: p('SELECT date, votes, k FROM day_papers WHERE id = ? ORDER BY date DESC'),
		appearance: p('SELECT paper FROM file_papers WHERE k = ?').pluck(),
		entry: p('SELECT n, date, dates, paper, best_votes, best_date FROM papers WHERE id = ?'),
		insertEntry: p('INSERT INTO papers (id, date, dates, votes, paper, best_votes, best_date) VALUES (?, ?, ?, ?, ?, ?, ?)'),
		updateEntry: p('UPDATE papers SET date = ?, dates = ?, votes = ?, paper = ?, best_votes = ?, best_date = ? WHERE n = ?'),
		updateBest: p('UPDATE papers SET best_votes = ?, best_date = ? WHERE n = ?'),
		dropEntry: p('DELETE FROM papers WHERE n = ?'),
		paper: p('SELECT date, dates, paper FROM papers WHERE id = ?'),
		// One JSON text for the whole day: a day of many thousand papers is read back in one parse, not one per paper.
		digest: p(
			`SELECT '[' || group_concat('[' || f.paper || ',' || p.dates || ']', ',' ORDER BY d.pos) || ']'
			 FROM day_papers d JOIN papers p ON p.id = d.id JOIN file_papers f ON f.k = d.k WHERE d.date = ?`,
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

export type DayStatements = ReturnType<typeof dayStatements>;
