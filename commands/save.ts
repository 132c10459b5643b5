import {
	ActionRowBuilder,
	ApplicationCommandType,
	ButtonBuilder,
	ButtonStyle,
	StringSelectMenuBuilder,
	type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext, ButtonRoute, MessageMenuCommand, SelectRoute } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { papersInMessage } from '../src/bot/message-papers.ts';
import { respond } from '../src/bot/reply.ts';
import { parseArxivId } from '../src/digest/arxiv.ts';
import { t, tCount, type Locale } from '../src/i18n.ts';
import { oneLine, truncate, wellFormed } from '../src/render/text.ts';
import { SAVED_MAX } from '../src/store/schema.ts';

export const SAVE_PREFIX = 'save';
const PICK_PREFIX = 'savepick';
/** Discord: 25 options per select menu, 5 rows per message. */
const OPTIONS_PER_MENU = 25;
const MENUS_MAX = 2;

const data = {
	type: ApplicationCommandType.Message,
	name: 'Save papers',
	name_localizations: { ko: '논문 저장' },
} as const satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;

/** The 🔖 button under a `/paper` answer: the paper's id is all it needs. */
export function saveButtonRow(paperId: string, locale: Locale): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(
		new ButtonBuilder().setCustomId(`${SAVE_PREFIX}:${paperId}`).setLabel(t(locale, 'save.button')).setStyle(ButtonStyle.Secondary),
	);
}

/** Saves to the list of the member who clicked or chose, whoever posted the message, and tells only them. */
async function saveFor(ctx: BotContext, userId: string, locale: Locale, ids: readonly string[]): Promise<string> {
	const result = await ctx.members.save(userId, ids);
	if (result.added.length === 0 && result.refused.length > 0) throw new UserError('save.full', { max: SAVED_MAX });
	if (result.added.length === 0) return t(locale, 'save.already');
	const full = result.refused.length > 0 ? ` ${t(locale, 'save.full', { max: SAVED_MAX })}` : '';
	return `${tCount(locale, 'save.saved', result.added.length)}${full}`;
}

export const saveMenu: MessageMenuCommand = {
	data,
	async execute({ interaction, ctx, locale }) {
		const message = interaction.targetMessage;
		if (message.author.id !== interaction.client.user.id) throw new UserError('save.notPaperboy');
		const ids = papersInMessage({
			content: message.content,
			embeds: message.embeds.map((e) => e.toJSON()),
			components: message.components.map((c) => c.toJSON()),
		});
		const papers = ids.map((id) => ctx.archive.paper(id)).filter((p) => p !== undefined);
		if (papers.length === 0) throw new UserError('save.none');
		if (papers.length === 1) {
			await respond(interaction, { content: await saveFor(ctx, interaction.user.id, locale, [papers[0]?.id ?? '']), ephemeral: true });
			return;
		}
		const rows = [];
		for (let i = 0; i < papers.length && rows.length < MENUS_MAX; i += OPTIONS_PER_MENU) {
			const slice = papers.slice(i, i + OPTIONS_PER_MENU);
			rows.push(
				new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
					new StringSelectMenuBuilder()
						.setCustomId(`${PICK_PREFIX}:${interaction.user.id}:${rows.length}`)
						.setPlaceholder(t(locale, 'save.pick'))
						.setMinValues(1)
						.setMaxValues(slice.length)
						.addOptions(slice.map((p, j) => ({ label: truncate(`${i + j + 1}. ${oneLine(wellFormed(p.title))}`, 100), value: p.id }))),
				),
			);
		}
		await respond(interaction, { content: t(locale, 'save.pick'), components: rows, ephemeral: true });
	},
};

export const saveButtons: ButtonRoute = {
	prefix: SAVE_PREFIX,
	async handle({ interaction, ctx, locale }, args) {
		const id = parseArxivId(args.join(':'));
		if (!id || !ctx.archive.paper(id)) throw new UserError('error.expiredButton');
		await respond(interaction, { content: await saveFor(ctx, interaction.user.id, locale, [id]), ephemeral: true });
	},
};

export const savePick: SelectRoute = {
	prefix: PICK_PREFIX,
	async handle({ interaction, ctx, locale }, args) {
		// The menu is the asker's own (ephemeral), but its id is checked too: it saves to the one who chose only.
		if (args[0] !== interaction.user.id) throw new UserError('saved.notYours');
		const ids = interaction.values.map((v) => parseArxivId(v)).filter((id) => id !== null && ctx.archive.paper(id) !== undefined);
		if (ids.length === 0) throw new UserError('save.none');
		await interaction.update({ content: await saveFor(ctx, interaction.user.id, locale, ids as string[]), components: [], allowedMentions: { parse: [] } });
	},
};
