import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import type { ArchivedPaper } from '../digest/schema.ts';
import type { Logger } from '../log.ts';
import type { Ledger } from '../store/store.ts';

/** Discord's most per request; the writes a rollback loses span minutes, far fewer messages. */
const RECENT_MESSAGES = 100;

type Paper = Pick<ArchivedPaper, 'id' | 'url'>;

/** The links and values a message points papers by: a card's embed url, a list's description links, a menu's option values. */
function pointers(message: APIMessage): string[] {
	const out: string[] = [];
	for (const embed of message.embeds ?? []) {
		if (embed.url) out.push(embed.url);
		for (const [, target] of (embed.description ?? '').matchAll(/\]\(<?([^)\s>]+)>?\)/g)) if (target) out.push(target);
	}
	const walk = (node: unknown): void => {
		if (Array.isArray(node)) node.forEach(walk);
		else if (node && typeof node === 'object') {
			const { components, options } = node as { components?: unknown; options?: unknown };
			if (Array.isArray(options)) for (const o of options) if (typeof (o as { value?: unknown }).value === 'string') out.push((o as { value: string }).value);
			walk(components);
		}
	};
	walk(message.components);
	return out;
}

function points(pointer: string, paper: Paper): boolean {
	if (pointer === paper.id || pointer === paper.url) return true;
	const at = pointer.lastIndexOf(`/${paper.id}`);
	return at >= 0 && /^(?:v\d+)?(?:\.pdf)?$/.test(pointer.slice(at + paper.id.length + 1));
}

/** Which of `papers` each bot message among `messages` carries; messages that carry none are left out. */
export function papersInMessages(messages: readonly APIMessage[], papers: readonly Paper[]): Array<{ messageId: string; paperIds: string[] }> {
	const out: Array<{ messageId: string; paperIds: string[] }> = [];
	const seen = new Set<string>();
	for (const message of messages) {
		if (!message.author?.bot) continue;
		const ptrs = pointers(message);
		const paperIds = papers.filter((p) => !seen.has(p.id) && ptrs.some((ptr) => points(ptr, p))).map((p) => p.id);
		for (const id of paperIds) seen.add(id);
		if (paperIds.length > 0) out.push({ messageId: message.id, paperIds });
	}
	return out;
}

export interface RecoverOptions {
	ledger: Ledger;
	rest: REST;
	log: Logger;
	channelId: string;
	date: string;
	/** Where the papers go: the channel, or the digest's thread. */
	target: string;
	/** The papers the channel wants of this digest. */
	papers: readonly Paper[];
	/** The papers the ledger says were posted; those found in the channel are added. */
	done: Set<string>;
}

/**
 * After the store went back in time, the ledger may not know messages already posted, and
 * Discord's nonce memory may have lapsed: the channel's recent messages are the record. Each bot
 * message carrying papers of this digest is written to the ledger (as `found:<message id>`), so
 * neither this run nor a later one posts them again. A channel whose history the bot may not read
 * is logged and delivered from the ledger; any other failure is thrown, for the run to retry.
 */
export async function recoverPosted(opts: RecoverOptions): Promise<void> {
	const { ledger, log, channelId, date, done } = opts;
	let recent: APIMessage[];
	try {
		recent = (await opts.rest.get(Routes.channelMessages(opts.target), { query: new URLSearchParams({ limit: String(RECENT_MESSAGES) }) })) as APIMessage[];
	} catch (err) {
		if (!(err instanceof DiscordAPIError) || (err.status !== 403 && err.status !== 404)) throw err;
		log.warn(
			{ date, status: err.status, reason: err.message },
			'cannot read recent messages to check a ledger that may have rolled back; posting what it lacks',
		);
		ledger.confirmed(channelId, date);
		return;
	}
	const found = papersInMessages(
		recent,
		opts.papers.filter((p) => !done.has(p.id)),
	);
	for (const { messageId, paperIds } of found) {
		await ledger.recordDelivered(channelId, date, `found:${messageId}`, { messageId, paperIds });
		for (const id of paperIds) done.add(id);
	}
	ledger.confirmed(channelId, date);
	const papers = found.reduce((n, f) => n + f.paperIds.length, 0);
	if (found.length > 0)
		log.warn({ date, messages: found.length, papers }, 'ledger rolled back: found messages already posted in the channel; not posting them again');
	else log.info({ date }, 'ledger may have rolled back: nothing of this digest among the recent messages');
}
