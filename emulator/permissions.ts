import { PermissionFlagsBits } from 'discord.js';

export type PermissionName = keyof typeof PermissionFlagsBits;
export type PermissionInput = bigint | PermissionName;

export interface Overwrite {
	id: string;
	type: 0 | 1; // 0 role, 1 member
	allow: bigint;
	deny: bigint;
}

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

export function toBits(perm: PermissionInput): bigint {
	return typeof perm === 'bigint' ? perm : PermissionFlagsBits[perm];
}

/** Discord's documented order: base role permissions, then @everyone, role and member overwrites. */
export function computePermissions(opts: {
	guildId: string;
	memberId: string;
	ownerId: string;
	memberRoleIds: readonly string[];
	rolePermissions: ReadonlyMap<string, bigint>;
	overwrites: readonly Overwrite[];
}): bigint {
	if (opts.memberId === opts.ownerId) return ALL_PERMISSIONS;
	let perms = opts.rolePermissions.get(opts.guildId) ?? 0n;
	for (const roleId of opts.memberRoleIds) perms |= opts.rolePermissions.get(roleId) ?? 0n;
	if (perms & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
	const everyone = opts.overwrites.find((o) => o.id === opts.guildId);
	if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
	let allow = 0n;
	let deny = 0n;
	for (const o of opts.overwrites) {
		if (o.type === 0 && opts.memberRoleIds.includes(o.id)) {
			allow |= o.allow;
			deny |= o.deny;
		}
	}
	perms = (perms & ~deny) | allow;
	const member = opts.overwrites.find((o) => o.type === 1 && o.id === opts.memberId);
	if (member) perms = (perms & ~member.deny) | member.allow;
	return perms;
}
