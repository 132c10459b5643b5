import { DiscordAPIError, HTTPError } from 'discord.js';

/**
 * What a failed send means for the subscription (STYLE.md §7): Discord said we may not post
 * there (stop now — repeated invalid requests get the bot's IP banned), or a passing fault
 * (retry with backoff; discord.js REST already retried 429s and a few 5xx).
 */
export type Failure =
	| { action: 'pause'; code: number | null; status: number; reason: string }
	| { action: 'retry'; status: number | null; reason: string };

const PAUSE_REASONS: Record<number, string> = {
	50001: 'Missing Access: the bot cannot see this channel',
	50013: 'Missing Permissions: the bot needs Send Messages and Embed Links here',
	10003: 'Unknown Channel: the channel no longer exists',
	50035: 'Discord rejected the message as invalid',
};

export function classifyFailure(err: unknown): Failure {
	if (err instanceof DiscordAPIError) {
		const code = typeof err.code === 'number' ? err.code : null;
		if (err.status === 403 || err.status === 404 || err.status === 400) {
			const reason = (code !== null && PAUSE_REASONS[code]) || `Discord answered ${err.status}: ${err.message}`;
			return { action: 'pause', code, status: err.status, reason };
		}
		return { action: 'retry', status: err.status, reason: `Discord answered ${err.status}: ${err.message}` };
	}
	if (err instanceof HTTPError) return { action: 'retry', status: err.status, reason: `Discord answered ${err.status} ${err.message}` };
	const message = err instanceof Error ? err.message : String(err);
	return { action: 'retry', status: null, reason: `request failed: ${message}` };
}
