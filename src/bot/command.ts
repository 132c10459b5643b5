import type {
	AutocompleteInteraction,
	ButtonInteraction,
	ChatInputCommandInteraction,
	MessageContextMenuCommandInteraction,
	RESTPostAPIChatInputApplicationCommandsJSONBody,
	RESTPostAPIContextMenuApplicationCommandsJSONBody,
	StringSelectMenuInteraction,
} from 'discord.js';
import type { Archive } from '../archive/archive.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Locale } from '../i18n.ts';
import type { Scheduler } from '../delivery/scheduler.ts';
import type { Members, Subscriptions } from '../store/store.ts';

/**
 * What a handler may use. Wired once in the runtime and passed down as a plain object;
 * later features (store, scheduler) add optional members rather than globals.
 */
export interface BotContext {
	archive: Archive;
	config: Config;
	logger: Logger;
	now: () => Date;
	subscriptions: Subscriptions;
	scheduler: Scheduler;
	/** Members' own records: every handler passes the interaction's user id, never one from input. */
	members: Members;
	/** While a start is still reading the digest folder, how far it has come: a miss may be a paper not read yet. */
	archiveReading?: () => ArchiveReading | undefined;
}

export interface ArchiveReading {
	read: number;
	total: number;
}

export interface CommandRun<I> {
	interaction: I;
	ctx: BotContext;
	locale: Locale;
}

interface CommandBase {
	/** Registered as is by `npm run deploy`: a plain typed constant, also read by the dispatcher. */
	data: RESTPostAPIChatInputApplicationCommandsJSONBody;
	/**
	 * The dispatcher defers before running the handler. Errors are always ephemeral, so a command
	 * that may fail slowly should defer ephemerally.
	 */
	defer?: 'public' | 'ephemeral';
	autocomplete?(run: CommandRun<AutocompleteInteraction>): Promise<void>;
}

export interface AnywhereCommand extends CommandBase {
	guildOnly?: false;
	execute(run: CommandRun<ChatInputCommandInteraction>): Promise<void>;
}

/** Runs only in a server the bot is in; the dispatcher answers anywhere else. */
export interface GuildCommand extends CommandBase {
	guildOnly: true;
	/** Server-side check for admin commands; `default_member_permissions` only hides them. */
	requiresManageChannels?: boolean;
	execute(run: CommandRun<ChatInputCommandInteraction<'cached'>>): Promise<void>;
}

export type Command = AnywhereCommand | GuildCommand;

/** Buttons carry their whole state in a prefixed custom id so they survive restarts. */
export interface ButtonRoute {
	prefix: string;
	handle(run: CommandRun<ButtonInteraction>, args: string[]): Promise<void>;
}

/** Select menus, like buttons, carry their state in the custom id and the chosen values. */
export interface SelectRoute {
	prefix: string;
	handle(run: CommandRun<StringSelectMenuInteraction>, args: string[]): Promise<void>;
}

/** A message context-menu command ("Apps" on a message): registered and routed by its name. */
export interface MessageMenuCommand {
	data: RESTPostAPIContextMenuApplicationCommandsJSONBody;
	execute(run: CommandRun<MessageContextMenuCommandInteraction>): Promise<void>;
}
