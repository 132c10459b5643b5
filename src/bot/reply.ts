import {
	MessageFlags,
	type APIActionRowComponent,
	type APIComponentInMessageActionRow,
	type APIEmbed,
	type ActionRowBuilder,
	type ButtonBuilder,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type InteractionReplyOptions,
	type MessageContextMenuCommandInteraction,
	type MessageActionRowComponentBuilder,
	type StringSelectMenuInteraction,
} from 'discord.js';
import { MESSAGE_CONTENT_MAX } from '../render/limits.ts';
import { truncate } from '../render/text.ts';
import { commandIds, linkCommands } from './command-mentions.ts';

export type Components = (ActionRowBuilder<MessageActionRowComponentBuilder | ButtonBuilder> | APIActionRowComponent<APIComponentInMessageActionRow>)[];

export interface ReplyBody {
	content?: string;
	embeds?: APIEmbed[];
	components?: Components;
	ephemeral?: boolean;
	/** Attachments (an export), sent as multipart with the reply. */
	files?: Array<{ attachment: Buffer; name: string }>;
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction | MessageContextMenuCommandInteraction;

// Nothing the bot says in a reply may ping anyone: a quoted title or summary can hold @everyone.
const NO_MENTIONS = { parse: [] as [] };

/**
 * The one way a handler answers: works whether or not the dispatcher has deferred,
 * keeps content within Discord's limit and never pings.
 */
export async function respond(interaction: Answerable, body: ReplyBody): Promise<void> {
	const ids = await commandIds(interaction.client, interaction.guildId);
	const content = body.content === undefined ? undefined : truncate(linkCommands(body.content, ids), MESSAGE_CONTENT_MAX);
	const payload = {
		...(content === undefined ? {} : { content }),
		embeds: (body.embeds ?? []).map((e) => (e.description ? { ...e, description: linkCommands(e.description, ids) } : e)),
		components: body.components ?? [],
		...(body.files ? { files: body.files } : {}),
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

/**
 * Paging is the invoker's: a public answer is one message everyone sees, and a stranger's click
 * must not turn it for all. The message says who asked (its interaction metadata); a message
 * without it (older, or not an answer to a command) is anyone's, as before.
 */
export function ownsPagedMessage(interaction: ButtonInteraction): boolean {
	const owner = interaction.message.interactionMetadata?.user.id;
	return !owner || owner === interaction.user.id;
}

/**
 * Updates the message a button sits on (paging); for someone other than the member who asked,
 * answers with their own copy of that page instead, which only they see and can page on.
 */
export async function updatePage(interaction: ButtonInteraction, body: ReplyBody): Promise<void> {
	const payload = {
		...(body.content === undefined ? {} : { content: truncate(body.content, MESSAGE_CONTENT_MAX) }),
		embeds: body.embeds ?? [],
		components: body.components ?? [],
		allowedMentions: NO_MENTIONS,
	};
	if (ownsPagedMessage(interaction)) await interaction.update(payload);
	else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
}
