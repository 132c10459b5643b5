import {
	MessageFlags,
	PermissionFlagsBits,
	type AutocompleteInteraction,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type Interaction,
	type MessageContextMenuCommandInteraction,
	type StringSelectMenuInteraction,
} from 'discord.js';
import { localeOf, t, type MessageKey } from '../i18n.ts';
import type { BotContext, ButtonRoute, Command, MessageMenuCommand, SelectRoute } from './command.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { UserError } from './errors.ts';
import { pagedMessageLocale } from './paging.ts';
import { ownsPagedMessage, respond } from './reply.ts';

export interface Dispatcher {
	handle(interaction: Interaction): Promise<void>;
	/** Resolves when every interaction being handled has finished (graceful shutdown). */
	idle(): Promise<void>;
}

export function createDispatcher(
	commands: readonly Command[],
	buttons: readonly ButtonRoute[],
	ctx: BotContext,
	selects: readonly SelectRoute[] = [],
	menus: readonly MessageMenuCommand[] = [],
): Dispatcher {
	const byName = new Map(commands.map((c) => [c.data.name, c]));
	const inFlight = new Set<Promise<void>>();
	const menuByName = new Map(menus.map((m) => [m.data.name, m]));

	async function onMenu(interaction: MessageContextMenuCommandInteraction): Promise<void> {
		const menu = menuByName.get(interaction.commandName);
		const locale = localeOf(interaction.locale);
		const log = ctx.logger.child({ menu: interaction.commandName, interaction: interaction.id });
		try {
			if (!menu) throw new UserError('error.generic');
			await menu.execute({ interaction, ctx, locale });
		} catch (err) {
			await answerError(interaction, err, locale, log, ctx);
		}
	}

	async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
		const command = byName.get(interaction.commandName);
		const locale = localeOf(interaction.locale);
		if (!command) {
			ctx.logger.warn({ command: interaction.commandName }, 'unknown command (deploy may be out of date)');
			await respond(interaction, { content: t(locale, 'error.generic'), ephemeral: true });
			return;
		}
		const log = ctx.logger.child({ command: command.data.name, interaction: interaction.id, guild: interaction.guildId });
		try {
			// Deferring first leaves no window in which a deferral and a reply could race.
			if (command.defer) await interaction.deferReply(command.defer === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
			if (command.guildOnly) {
				if (!interaction.inCachedGuild()) throw new UserError('error.guildOnly');
				// The member's permissions as Discord computed them for this channel: default_member_permissions can be overridden by server admins, so check here too.
				if (command.requiresManageChannels && !interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)) {
					throw new UserError('error.notAdmin');
				}
				await command.execute({ interaction, ctx, locale });
			} else {
				await command.execute({ interaction, ctx, locale });
			}
		} catch (err) {
			await answerError(interaction, err, locale, log, ctx);
		}
	}

	async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
		const command = byName.get(interaction.commandName);
		try {
			if (!command?.autocomplete) {
				await interaction.respond([]);
				return;
			}
			await command.autocomplete({ interaction, ctx, locale: localeOf(interaction.locale) });
		} catch (err) {
			// Autocomplete never shows an error; an empty list is the honest answer.
			ctx.logger.warn({ err, command: interaction.commandName }, 'autocomplete failed');
			if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
		}
	}

	async function onButton(interaction: ButtonInteraction): Promise<void> {
		const [prefix = '', ...args] = interaction.customId.split(':');
		const route = buttons.find((b) => b.prefix === prefix);
		// The invoker turns the page in the message's own language; anyone else gets a copy in theirs.
		const locale = (ownsPagedMessage(interaction) && pagedMessageLocale(interaction.message)) || localeOf(interaction.locale);
		const log = ctx.logger.child({ button: interaction.customId, interaction: interaction.id });
		try {
			if (!route) throw new UserError('error.expiredButton');
			await route.handle({ interaction, ctx, locale }, args);
		} catch (err) {
			await answerError(interaction, err, locale, log, ctx);
		}
	}

	async function onSelect(interaction: StringSelectMenuInteraction): Promise<void> {
		const [prefix = '', ...args] = interaction.customId.split(':');
		const route = selects.find((r) => r.prefix === prefix);
		// A menu answers the member who chose, in their language, whoever posted the message.
		const locale = localeOf(interaction.locale);
		const log = ctx.logger.child({ menu: interaction.customId, interaction: interaction.id });
		try {
			if (!route) throw new UserError('error.expiredButton');
			await route.handle({ interaction, ctx, locale }, args);
		} catch (err) {
			await answerError(interaction, err, locale, log, ctx);
		}
	}

	async function handle(interaction: Interaction): Promise<void> {
		if (interaction.isChatInputCommand()) return onCommand(interaction);
		if (interaction.isMessageContextMenuCommand()) return onMenu(interaction);
		if (interaction.isAutocomplete()) return onAutocomplete(interaction);
		if (interaction.isButton()) return onButton(interaction);
		if (interaction.isStringSelectMenu()) return onSelect(interaction);
	}

	return {
		handle(interaction) {
			const job = handle(interaction).catch((err: unknown) => ctx.logger.error({ err }, 'interaction handler crashed'));
			inFlight.add(job);
			void job.finally(() => inFlight.delete(job));
			return job;
		},
		async idle() {
			await Promise.allSettled([...inFlight]);
		},
	};
}

/** Answers that say the archive lacks something: while it is still being read at a start, they may be wrong for a while. */
const ARCHIVE_MISSES: ReadonlySet<MessageKey> = new Set<MessageKey>([
	'archive.empty',
	'paper.unknown',
	'search.none',
	'digest.unknownBetween',
	'digest.unknownBefore',
	'digest.unknownAfter',
]);

async function answerError(
	interaction: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction | MessageContextMenuCommandInteraction,
	err: unknown,
	locale: ReturnType<typeof localeOf>,
	log: BotContext['logger'],
	ctx: BotContext,
): Promise<void> {
	const reading = ctx.archiveReading?.();
	const unavailable = err instanceof StoreUnavailableError;
	let content = err instanceof UserError ? t(locale, err.key, err.params) : t(locale, unavailable ? 'error.storeUnavailable' : 'error.generic');
	if (reading && err instanceof UserError && ARCHIVE_MISSES.has(err.key))
		content += `\n${t(locale, 'archive.reading', { read: reading.read, total: reading.total })}`;
	if (err instanceof UserError) log.debug({ key: err.key }, 'expected error answered');
	// The store logged the loss once, with what to do about it.
	else if (unavailable) log.warn({ reason: err.reason }, 'command refused: the store is unavailable');
	else log.error({ err }, 'command failed');
	try {
		await respond(interaction, { content, ephemeral: true });
	} catch (replyErr) {
		log.warn({ err: replyErr }, 'could not tell the user about the error');
	}
}
