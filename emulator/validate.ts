import * as spec from 'discord-api-spec/zod';
import type { SpecIssue, SpecSchema } from 'discord-api-spec/zod';

export interface DiscordErrorBody {
	code: number;
	message: string;
	errors?: Record<string, unknown>;
}

export const EMBED_TOTAL_LIMIT = 6000;
export const CONTENT_LIMIT = 2000;

export type BodyKind =
	| 'message-create'
	| 'message-edit'
	| 'interaction-callback'
	| 'webhook-execute'
	| 'webhook-edit'
	| 'commands-bulk'
	| 'thread-create'
	| 'thread-from-message'
	| 'forum-thread';

type Issue = { path: readonly PropertyKey[]; code: string; message: string };

const SCHEMAS: Record<Exclude<BodyKind, 'interaction-callback' | 'commands-bulk'>, SpecSchema> = {
	'message-create': spec.MessageCreateRequestSchema,
	'message-edit': spec.MessageEditRequestPartialSchema,
	'webhook-execute': spec.IncomingWebhookInteractionRequestSchema,
	'webhook-edit': spec.IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema,
	'thread-create': spec.CreateTextThreadWithoutMessageRequestSchema,
	'thread-from-message': spec.CreateTextThreadWithMessageRequestSchema,
	'forum-thread': spec.CreateForumThreadRequestSchema,
};

const CALLBACK_SCHEMAS: Record<number, SpecSchema> = {
	4: spec.CreateMessageInteractionCallbackRequestSchema,
	5: spec.CreateMessageInteractionCallbackRequestSchema,
	6: spec.UpdateMessageInteractionCallbackRequestSchema,
	7: spec.UpdateMessageInteractionCallbackRequestSchema,
	8: spec.ApplicationCommandAutocompleteCallbackRequestSchema,
	9: spec.ModalInteractionCallbackRequestSchema,
};

function discordCode(issue: SpecIssue): { code: string; message: string } {
	if (issue.code === 'too_big') return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` };
	if (issue.code === 'too_small') return { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` };
	if (issue.code === 'invalid_type') return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required or has the wrong type' };
	return { code: 'BASE_TYPE_BAD_VALUE', message: issue.message };
}

/** Nest issues the way Discord does: `{ embeds: { 0: { description: { _errors: [...] } } } }`. */
export function toDiscordErrors(issues: readonly Issue[]): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	for (const issue of issues) {
		let node = root;
		for (const key of issue.path) {
			const k = String(key);
			node[k] ??= {};
			node = node[k] as Record<string, unknown>;
		}
		const list = (node['_errors'] ??= []) as Array<{ code: string; message: string }>;
		list.push({ code: issue.code, message: issue.message });
	}
	return root;
}

function str(v: unknown): number {
	return typeof v === 'string' ? v.length : 0;
}

function rec(v: unknown): Record<string, unknown> {
	return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Discord's 6000-character sum over a message's embeds (title, description, field names and values, footer, author). */
export function embedsLength(embeds: unknown): number {
	if (!Array.isArray(embeds)) return 0;
	let total = 0;
	for (const e of embeds) {
		const embed = rec(e);
		total += str(embed['title']) + str(embed['description']);
		total += str(rec(embed['footer'])['text']) + str(rec(embed['author'])['name']);
		const fields = embed['fields'];
		if (Array.isArray(fields)) for (const f of fields) total += str(rec(f)['name']) + str(rec(f)['value']);
	}
	return total;
}

function messageRules(body: Record<string, unknown>): Issue[] {
	const issues: Issue[] = [];
	if (embedsLength(body['embeds']) > EMBED_TOTAL_LIMIT) {
		issues.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${EMBED_TOTAL_LIMIT}` });
	}
	if (typeof body['content'] === 'string' && body['content'].length > CONTENT_LIMIT) {
		issues.push({ path: ['content'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${CONTENT_LIMIT} or fewer in length.` });
	}
	return issues;
}

// discord.js sends permission bit fields as strings (as Discord accepts); the spec types them as numbers.
function normaliseCommand(cmd: unknown): unknown {
	const c = rec(cmd);
	const dmp = c['default_member_permissions'];
	return typeof dmp === 'string' && /^\d+$/.test(dmp) ? { ...c, default_member_permissions: Number(dmp) } : cmd;
}

function run(schema: SpecSchema, body: unknown, prefix: readonly PropertyKey[] = []): Issue[] {
	const r = schema.safeParse(body);
	if (r.success) return [];
	return r.error.issues.map((i) => ({ path: [...prefix, ...i.path], ...discordCode(i) }));
}

/** Returns Discord's 400 body for an invalid request, or undefined when the body is acceptable. */
export function validateBody(kind: BodyKind, body: unknown): DiscordErrorBody | undefined {
	let issues: Issue[];
	if (kind === 'commands-bulk') {
		if (!Array.isArray(body)) issues = [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array' }];
		else if (body.length > 100) issues = [{ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }];
		else issues = body.flatMap((cmd, i) => run(spec.ApplicationCommandUpdateRequestSchema, normaliseCommand(cmd), [i]));
	} else if (kind === 'interaction-callback') {
		const type = rec(body)['type'];
		const schema = typeof type === 'number' ? CALLBACK_SCHEMAS[type] : undefined;
		if (!schema) issues = [{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {4, 5, 6, 7, 8, 9}.` }];
		else {
			issues = run(schema, body);
			if (type !== 8 && type !== 9) issues.push(...messageRules(rec(rec(body)['data'])).map((i) => ({ ...i, path: ['data', ...i.path] })));
			if (type === 8) {
				const choices = rec(rec(body)['data'])['choices'];
				if (Array.isArray(choices) && choices.length > 25)
					issues.push({ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
			}
		}
	} else {
		issues = run(SCHEMAS[kind], body);
		if (kind === 'forum-thread') issues.push(...messageRules(rec(rec(body)['message'])).map((i) => ({ ...i, path: ['message', ...i.path] })));
		else if (kind !== 'thread-create' && kind !== 'thread-from-message') issues.push(...messageRules(rec(body)));
	}
	if (issues.length === 0) return undefined;
	return { code: 50035, message: 'Invalid Form Body', errors: toDiscordErrors(issues) };
}

/** Discord refuses a message with nothing to show (50006). */
export function isEmptyMessage(body: Record<string, unknown>): boolean {
	const has = (k: string) => {
		const v = body[k];
		return Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.length > 0 : v != null;
	};
	return !['content', 'embeds', 'components', 'sticker_ids', 'attachments', 'poll'].some(has);
}
