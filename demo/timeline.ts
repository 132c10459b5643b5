import type { Emulator, InteractionHandle } from '../emulator/index.ts';
import { discordMarkdown } from './markdown.ts';
import type { MemberKey } from './world.ts';

type Json = Record<string, unknown>;

/** A command or click the page sent, with the bot's answer as it stands now. */
export interface SentInteraction {
	at: number;
	channelId: string;
	member: MemberKey;
	/** The command line typed, or null for a click on a component. */
	command: string | null;
	handle: InteractionHandle;
}

/** A message as the page draws it: markdown already turned into safe HTML. */
export interface ShownMessage {
	/** `channel:<id>` or `interaction:<id>:<n>`: what a click on its components refers to. */
	ref: string;
	at: number;
	author: { name: string; bot: boolean };
	ephemeral: boolean;
	edited: boolean;
	/** The command that produced it: who used what. */
	usedBy?: { name: string; command: string };
	contentHtml: string;
	embeds: ShownEmbed[];
	components: Json[];
	attachments: Array<{ filename: string; size: number }>;
}
export interface ShownEmbed {
	title?: string;
	url?: string;
	color?: string;
	descriptionHtml?: string;
	authorName?: string;
	fields: Array<{ name: string; valueHtml: string; inline: boolean }>;
	footer?: string;
	thumbnail?: string;
}

const EPHEMERAL = 64;
const LOADING = 128;

function embedOf(e: Json, md: (s: string) => string): ShownEmbed {
	const fields = ((e['fields'] as Json[] | undefined) ?? []).map((f) => ({
		name: String(f['name'] ?? ''),
		valueHtml: md(String(f['value'] ?? '')),
		inline: f['inline'] === true,
	}));
	const out: ShownEmbed = { fields };
	if (typeof e['title'] === 'string') out.title = e['title'];
	if (typeof e['url'] === 'string') out.url = e['url'];
	if (typeof e['color'] === 'number') out.color = `#${e['color'].toString(16).padStart(6, '0')}`;
	if (typeof e['description'] === 'string') out.descriptionHtml = md(e['description']);
	const author = e['author'] as Json | undefined;
	if (author && typeof author['name'] === 'string') out.authorName = author['name'];
	const footer = e['footer'] as Json | undefined;
	if (footer && typeof footer['text'] === 'string') out.footer = footer['text'];
	const thumb = e['thumbnail'] as Json | undefined;
	if (thumb && typeof thumb['url'] === 'string') out.thumbnail = thumb['url'];
	return out;
}

/**
 * What a channel shows: the bot's messages there, and the answers to what the page sent in it
 * (an ephemeral one only to the member who asked, as Discord does), oldest first.
 */
export function channelTimeline(
	emu: Emulator,
	channelId: string,
	sent: readonly SentInteraction[],
	viewer: MemberKey,
	names: { member: (m: MemberKey) => string; channel: (id: string) => string },
): ShownMessage[] {
	const md = (s: string) => discordMarkdown(s, { channel: names.channel, role: () => 'papers' });
	const shown = (m: Json, base: Omit<ShownMessage, 'contentHtml' | 'embeds' | 'components' | 'attachments' | 'edited'>): ShownMessage => ({
		...base,
		edited: m['edited_timestamp'] != null,
		contentHtml: md(String(m['content'] ?? '')),
		embeds: ((m['embeds'] as Json[] | undefined) ?? []).map((e) => embedOf(e, md)),
		components: (m['components'] as Json[] | undefined) ?? [],
		attachments: ((m['attachments'] as Json[] | undefined) ?? []).map((a) => ({ filename: String(a['filename'] ?? 'file'), size: Number(a['size'] ?? 0) })),
	});
	const out: ShownMessage[] = emu
		.messages(channelId)
		.map((m) => shown(m.message, { ref: `channel:${m.id}`, at: m.time, author: { name: 'Paperboy', bot: true }, ephemeral: false }));
	for (const s of sent) {
		if (s.channelId !== channelId) continue;
		const replies = [s.handle.original(), ...s.handle.followups()].filter((m): m is Json => m !== undefined);
		for (const [n, m] of replies.entries()) {
			const flags = Number(m['flags'] ?? 0);
			const ephemeral = (flags & EPHEMERAL) !== 0;
			if (ephemeral && s.member !== viewer) continue;
			const usedBy = n === 0 && s.command ? { usedBy: { name: names.member(s.member), command: s.command } } : {};
			const message = shown((flags & LOADING) !== 0 ? { ...m, content: 'Paperboy is thinking…' } : m, {
				ref: `interaction:${s.handle.id}:${n}`,
				at: s.at + n,
				author: { name: 'Paperboy', bot: true },
				ephemeral,
				...usedBy,
			});
			out.push(message);
		}
	}
	return out.sort((a, b) => a.at - b.at);
}
