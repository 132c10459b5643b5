import type {
	AutocompleteInteraction,
	ButtonInteraction,
	ChatInputCommandInteraction,
	RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Archive } from '../archive/archive.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Locale } from '../i18n.ts';
import type { Scheduler } from '../delivery/scheduler.ts';
import type { Store } from '../store/store.ts';

/**
 * What a handler may use. Wired once in the runtime and passed down as a plain object;
 * later features (store, scheduler) add optional members rather than globals.
 */
export interface BotContext {
	archive: Archive;
	config: Config;
	logger: Logger;
	now: () => Date;
	store: Store;
	scheduler: Scheduler;
}

export interface CommandRun<I> {
	interaction: I;
	ctx: BotContext;
	locale: Locale;
}

export interface Command {
	/** Registered as is by `npm run deploy`: a plain typed constant (STYLE.md §1). */
	data: RESTPostAPIChatInputApplicationCommandsJSONBody;
	/**
	 * Deferral the dispatcher applies if the handler has not answered in time.
	 * Errors are always ephemeral, so a command that may fail slowly should defer ephemerally.
	 */
	defer?: 'public' | 'ephemeral';
	/** Server-side check for admin commands; `default_member_permissions` only hides them. */
	requiresManageChannels?: boolean;
	execute(run: CommandRun<ChatInputCommandInteraction>): Promise<void>;
	autocomplete?(run: CommandRun<AutocompleteInteraction>): Promise<void>;
}

/** Buttons carry their whole state in a prefixed custom id so they survive restarts. */
export interface ButtonRoute {
	prefix: string;
	handle(run: CommandRun<ButtonInteraction>, args: string[]): Promise<void>;
}
