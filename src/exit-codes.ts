/** What a Paperboy process tells its supervisor when it ends (the README lists them). */
export const EXIT = {
	/** Stopped on a signal with every piece of work in flight finished. */
	ok: 0,
	/** Could not start, or a step of the stop failed: starting again may help. */
	failed: 1,
	/** The stop did not finish within SHUTDOWN_TIMEOUT_SECONDS; the log line says what was left. */
	deadline: 2,
	/** Discord refused the bot (token, intents, shards): a person must change something first (sysexits' EX_CONFIG). */
	refused: 78,
} as const;
