import type { Emulator } from '../emulator/index.ts';

/** Paper ids in the order a channel received them, one entry per embed. */
export function receivedIds(emu: Emulator, channelId: string): string[] {
	return emu
		.messages(channelId)
		.flatMap((m) => ((m.body['embeds'] as Array<{ url?: string }> | undefined) ?? []).map((e) => e.url?.split('/abs/')[1] ?? '?'));
}

/** Polls `check` until it holds; the error names what was awaited. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
