import { DiscordAPIError, HTTPError } from 'discord.js';

/**
 * What a failed send means, decided once here so every caller reacts alike:
 * - `pause`: Discord says we may not post there (403, 404). Stop now: invalid requests get the
 *   bot's IP banned, and only a person can fix it.
 * - `reject`: Discord refused this one message (400). Retrying the same body fails again, and
 *   pausing would block every later digest: the message is logged and set aside.
 * - `retry`: a passing fault (5xx, a dropped connection; discord.js REST already waited out 429s).
 */
export type Failure =
	| { action: 'pause'; code: number | null; status: number; reason: string }
	| { action: 'reject'; code: number | null; status: number; reason: string }
	| { action: 'retry'; status: number | null; reason: string };

const PAUSE_REASONS: Record<number, string> = {
	50001: 'Missing Access: the bot cannot see this channel',
	50013: 'Missing Permissions: the bot needs Send Messages and Embed Links here',
	10003: 'Unknown Channel: the channel no longer exists',
};

/** Discord's answer to a forum post without one of the forum's required tags. */
const TAG_REQUIRED = 40067;

export function classifyFailure(err: unknown): Failure {
	if (err instanceof DiscordAPIError) {
		const code = typeof err.code === 'number' ? err.code : null;
		const said = `Discord answered ${err.status}${code === null ? '' : ` (${code})`}: ${err.message}`;
		if (err.status === 403 || err.status === 404) {
			return { action: 'pause', code, status: err.status, reason: (code !== null && PAUSE_REASONS[code]) || said };
		}
		// Not this message's fault but the forum's: its admins made tags required after subscribing.
		if (code === TAG_REQUIRED) return { action: 'pause', code, status: err.status, reason: `Tag required: ${said}; choose one with /subscribe tag:` };
		if (err.status === 400) return { action: 'reject', code, status: err.status, reason: said };
		return { action: 'retry', status: err.status, reason: said };
	}
	if (err instanceof HTTPError) return { action: 'retry', status: err.status, reason: `Discord answered ${err.status} ${err.message}` };
	const message = err instanceof Error ? err.message : String(err);
	return { action: 'retry', status: null, reason: `request failed: ${message}` };
}

/** A send that failed, carrying what it means; delivery turns it into its outcome. */
export class SendFailed extends Error {
	constructor(readonly failure: Failure) {
		super(failure.reason);
	}
}
