const DISCORD_EPOCH = 1_420_070_400_000n;
// lcm(1..16): guild timestamps start on a multiple of it, so guild n lands on shard n % count for any count ≤ 16.
const SHARD_ALIGN = 720_720n;
// Guild ids use timestamps from 2020, everything else the present, so the two sequences never collide.
const GUILD_BASE_MS = ((1_577_836_800_000n - DISCORD_EPOCH) / SHARD_ALIGN) * SHARD_ALIGN;

export function shardOf(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function snowflakeTime(id: string): number {
	return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export interface SnowflakeSource {
	next(): string;
	nextGuild(): string;
}

export function createSnowflakes(): SnowflakeSource {
	let lastMs = 0n;
	let increment = 0n;
	let guilds = 0n;
	return {
		next() {
			const now = BigInt(Date.now()) - DISCORD_EPOCH;
			if (now > lastMs) {
				lastMs = now;
				increment = 0n;
			} else if (++increment > 0xfffn) {
				lastMs += 1n;
				increment = 0n;
			}
			return ((lastMs << 22n) | (1n << 17n) | increment).toString();
		},
		nextGuild() {
			const ms = GUILD_BASE_MS + guilds++;
			return ((ms << 22n) | (2n << 17n)).toString();
		},
	};
}
