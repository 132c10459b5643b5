export { Emulator, startEmulator, BOT_PERMISSIONS } from './emulator.ts';
export type {
	EmulatorOptions,
	RequestRecord,
	FaultSpec,
	ChannelSpec,
	GuildSpec,
	GuildInfo,
	StoredMessage,
	InteractOptions,
	InteractionCallback,
	InteractionHandle,
} from './emulator.ts';
export { shardOf } from './snowflake.ts';
export { messageObject } from './message.ts';
export { validateBody, embedsLength, EMBED_TOTAL_LIMIT } from './validate.ts';
export type { PermissionInput, PermissionName } from './permissions.ts';
