import type { Problem, ProblemLevel } from './schema.ts';

/**
 * How a reader says what it could not use. Readers never throw for bad input: they report it
 * with its line and return what they could read, so the rest of the file still loads.
 */
export type Report = (line: number, level: ProblemLevel, message: string) => void;

/** A `Report` that collects one file's problems, in the order they were found. */
export function reportInto(file: string, problems: Problem[]): Report {
	return (line, level, message) => {
		problems.push({ file, line, level, message });
	};
}

export function truncate(s: string, n: number): string {
	return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
