import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { commands, menus } from './app.ts';
import { commandBodies, menuBodies } from './bot/localize.ts';
import { ConfigError, type Config } from './config.ts';
import { configOrExit } from './env-file.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';

export interface DeployOptions {
	/** Remove the commands of that scope instead of registering them. */
	clear?: boolean;
}

/**
 * Registers every command with one bulk PUT (global, or one guild for development), or with
 * `clear` removes them. A member of a guild that has both sees every command twice, so
 * registering one scope while the other holds commands says how to remove the copy.
 */
export async function deployCommands(config: Config, guildId: string | undefined, logger: Logger, opts: DeployOptions = {}): Promise<number> {
	if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: required to register commands']);
	if (!config.DISCORD_APP_ID) throw new ConfigError(['DISCORD_APP_ID: required to register commands (the application id)']);
	registerSecret(config.DISCORD_TOKEN);
	const rest = new REST({ api: config.DISCORD_API_BASE }).setToken(config.DISCORD_TOKEN);
	const global = Routes.applicationCommands(config.DISCORD_APP_ID);
	const route = guildId ? Routes.applicationGuildCommands(config.DISCORD_APP_ID, guildId) : global;
	const scope = guildId ? `guild ${guildId}` : 'global';
	const body = opts.clear ? [] : [...commandBodies(commands), ...menuBodies(menus)];
	const result = (await rest.put(route, { body })) as unknown[];
	if (opts.clear) {
		logger.info({ scope }, 'commands removed');
		return 0;
	}
	logger.info({ scope, commands: result.length }, 'commands registered');
	// Only the guild scope can be checked here: which guilds hold a development copy is not listed anywhere.
	if (guildId && ((await rest.get(global)) as unknown[]).length > 0) {
		logger.warn(
			{ scope },
			`the commands are registered globally too, so members of this server see each one twice; when you are done testing, run: npm run deploy -- --clear --guild ${guildId}`,
		);
	}
	return result.length;
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { guild: { type: 'string' }, clear: { type: 'boolean', default: false } } });
	if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) {
		process.stderr.write(`--guild takes a server id (a number of 17–20 digits), got "${values.guild}"\n`);
		process.exit(2);
	}
	const config = configOrExit();
	await deployCommands(config, values.guild, createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {}), {
		clear: values.clear,
	});
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	main().catch((err: unknown) => {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	});
}
