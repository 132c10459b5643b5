/**
 * The layers, lowest first: text, time and the digest model; the archive and the renderers;
 * the store; delivery; the Discord-facing bot; the commands; the composition root (src/app.ts)
 * and the entry points. An import may only point down. The pure layers stay free of Discord's
 * runtime and of storage, so they are tested without a network or a database.
 */
const PURE = ['^src/digest/', '^src/archive/', '^src/render/', '^src/delivery/plan\\.ts$'];
const DISCORD_RUNTIME = '(^|/)node_modules/(discord\\.js|@discordjs/[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'pure-no-discord-runtime',
			comment: 'Parsing, the archive, rendering and planning use discord.js for its types only.',
			severity: 'error',
			from: { path: PURE },
			to: { path: DISCORD_RUNTIME, dependencyTypesNot: ['type-only'] },
		},
		{
			name: 'pure-no-store',
			comment: 'Parsing, the archive, rendering and planning never touch storage.',
			severity: 'error',
			from: { path: PURE },
			to: { path: '^src/store/', pathNot: '^src/store/schema\\.ts$' },
		},
		{
			name: 'pure-store-schema-types-only',
			comment: "A subscription's shape may be named by the pure layers, never the schema's runtime.",
			severity: 'error',
			from: { path: PURE },
			to: { path: '^src/store/schema\\.ts$', dependencyTypesNot: ['type-only'] },
		},
		{
			name: 'store-imports-nothing-above',
			comment: 'The store sits under delivery, the bot, the commands and the configuration.',
			severity: 'error',
			from: { path: '^src/store/' },
			to: {
				path: ['^src/(bot|delivery|archive|render|cli)/', '^src/(app|main|shard|deploy|config|env-file)\\.ts$', '^commands/', DISCORD_RUNTIME],
			},
		},
		{
			name: 'only-the-root-imports-commands',
			comment: 'The commands are wired in one place; nothing below may reach back up to them.',
			severity: 'error',
			from: { path: '^(src|bench|bin)/', pathNot: '^src/app\\.ts$' },
			to: { path: '^commands/' },
		},
		{
			name: 'no-circular',
			severity: 'error',
			from: {},
			to: { circular: true },
		},
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
	},
};
