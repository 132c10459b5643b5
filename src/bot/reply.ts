import {
	MessageFlags,
	type APIEmbed,
	type ActionRowBuilder,
	type ButtonBuilder,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type InteractionReplyOptions,
	type MessageActionRowComponentBuilder,
} from 'discord.js';
import { MESSAGE_CONTENT_MAX } from '../render/limits.ts';
import { truncate } from '../render/text.ts';

export type Components = ActionRowBuilder<MessageActionRowComponentBuilder | ButtonBuilder>[];

export interface ReplyBody {
	content?: string;
	embeds?: APIEmbed[];
	components?: Components;
	ephemeral?: boolean;
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

// Nothing the bot says in a reply may ping anyone (DESIGN.md "Mentions never ping").
const NO_MENTIONS = { parse: [] as [] };

// A deferral the dispatcher started but Discord has not confirmed yet: answering before it
// lands would be a second acknowledgement (400 40060).
const deferrals = new WeakMap<Answerable, Promise<unknown>>();

export function trackDeferral(interaction: Answerable, deferral: Promise<unknown>): void {
	deferrals.set(interaction, deferral.catch(() => undefined));
}

// discord.js marks an interaction replied only once Discord confirms; a deferral started while
// the reply is on its way would be a second acknowledgement.
const answering = new WeakSet<Answerable>();

export function isAnswering(interaction: Answerable): boolean {
	return answering.has(interaction);
}

/**
 * The one way a handler answers: works whether or not the dispatcher has deferred,
 * keeps content within Discord's limit and never pings.
 */
export async function respond(interaction: Answerable, body: ReplyBody): Promise<void> {
	await deferrals.get(interaction);
	answering.add(interaction);
	const content = body.content === undefined ? undefined : truncate(body.content, MESSAGE_CONTENT_MAX);
	const payload = {
		...(content === undefined ? {} : { content }),
		embeds: body.embeds ?? [],
		components: body.components ?? [],
		allowedMentions: NO_MENTIONS,
	};
	if (interaction.deferred || interaction.replied) {
		if (body.ephemeral && !interaction.ephemeral) {
			// A public deferral cannot turn private: drop the placeholder, answer privately.
			await interaction.deleteReply().catch(() => undefined);
			await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
			return;
		}
		await interaction.editReply(payload);
		return;
	}
	const options: InteractionReplyOptions = body.ephemeral ? { ...payload, flags: MessageFlags.Ephemeral } : payload;
	await interaction.reply(options);
}

/** Updates the message a button sits on (paging). */
export async function updatePage(interaction: ButtonInteraction, body: ReplyBody): Promise<void> {
	await interaction.update({
		...(body.content === undefined ? {} : { content: truncate(body.content, MESSAGE_CONTENT_MAX) }),
		embeds: body.embeds ?? [],
		components: body.components ?? [],
		allowedMentions: NO_MENTIONS,
	});
}
