import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { commands } from './app.ts';
import { commandBodies } from './bot/localize.ts';
import { ConfigError, type Config } from './config.ts';
import { configOrExit } from './env-file.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';

/** Registers every command with one bulk PUT: global, or one guild for development. */
export async function deployCommands(config: Config, guildId: string | undefined, logger: Logger): Promise<number> {
	if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: required to register commands']);
	if (!config.DISCORD_APP_ID) throw new ConfigError(['DISCORD_APP_ID: required to register commands (the application id)']);
	registerSecret(config.DISCORD_TOKEN);
	const rest = new REST({ api: config.DISCORD_API_BASE }).setToken(config.DISCORD_TOKEN);
	const route = guildId
		? Routes.applicationGuildCommands(config.DISCORD_APP_ID, guildId)
		: Routes.applicationCommands(config.DISCORD_APP_ID);
	const body = commandBodies(commands);
	const result = (await rest.put(route, { body })) as unknown[];
	logger.info({ scope: guildId ? `guild ${guildId}` : 'global', commands: result.length }, 'commands registered');
	return result.length;
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { guild: { type: 'string' } } });
	if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) {
		process.stderr.write(`--guild takes a server id (a number of 17–20 digits), got "${values.guild}"\n`);
		process.exit(2);
	}
	const config = configOrExit();
	await deployCommands(config, values.guild, createLogger(config.LOG_LEVEL));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	main().catch((err: unknown) => {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	});
}
