import type { Emulator, StoredMessage } from '../../emulator/index.ts';

/** Paper ids in the order the channels (and threads) received them, one entry per embed. */
export function receivedIds(emu: Emulator, ...channelIds: string[]): string[] {
	return channelIds
		.flatMap((c) => emu.messages(c))
		.sort((a, b) => a.time - b.time)
		.flatMap((m: StoredMessage) => ((m.body['embeds'] as Array<{ url?: string }> | undefined) ?? []).map((e) => e.url?.split('/abs/')[1] ?? '?'));
}

/** Polls `check` until it holds; the error names what was awaited. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
