import type { RESTPostAPIChatInputApplicationCommandsJSONBody, RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord.js';

type Localizable = {
	name: string;
	name_localizations?: Record<string, string> | null;
	description?: string;
	description_localizations?: Record<string, string> | null;
	options?: readonly Localizable[];
	choices?: readonly Localizable[];
};

/**
 * Command data is written with English defaults and Korean localizations; Discord also gets the
 * English as an explicit `en-US` entry, so both languages are listed for every name and
 * description, options and choices included.
 */
export function withEnglishLocale<T extends Localizable>(item: T): T {
	const out: Localizable = { ...item, name_localizations: { 'en-US': item.name, ...item.name_localizations } };
	if (item.description !== undefined) out.description_localizations = { 'en-US': item.description, ...item.description_localizations };
	if (item.options) out.options = item.options.map(withEnglishLocale);
	if (item.choices) out.choices = item.choices.map(withEnglishLocale);
	return out as T;
}

export function commandBodies(
	commands: ReadonlyArray<{ data: RESTPostAPIChatInputApplicationCommandsJSONBody }>,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
	return commands.map((c) => withEnglishLocale(c.data as Localizable) as RESTPostAPIChatInputApplicationCommandsJSONBody);
}

/** Context-menu commands have a name and no description; their name is localized the same way. */
export function menuBodies(
	menus: ReadonlyArray<{ data: RESTPostAPIContextMenuApplicationCommandsJSONBody }>,
): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
	return menus.map((m) => withEnglishLocale(m.data as Localizable) as RESTPostAPIContextMenuApplicationCommandsJSONBody);
}
