/** A duration as an operator writes it: `90s`, `10m`, `1h`, `500ms`; a bare number is minutes. */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
	const match = DURATION.exec(text.trim());
	if (!match) return null;
	const unit = (match[2] ?? 'm').toLowerCase();
	return Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 60_000));
}
