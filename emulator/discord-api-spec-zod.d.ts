// The package points its "types" at the generated JavaScript, which TypeScript cannot read
// without allowJs; declare just the schemas the emulator validates with.
declare module 'discord-api-spec/zod' {
	export interface SpecIssue {
		readonly code: string;
		readonly path: readonly PropertyKey[];
		readonly message: string;
		readonly maximum?: number | bigint;
		readonly minimum?: number | bigint;
	}
	export interface SpecSchema {
		safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: SpecIssue[] } };
	}
	export const MessageCreateRequestSchema: SpecSchema;
	export const CreateMessageInteractionCallbackRequestSchema: SpecSchema;
	export const UpdateMessageInteractionCallbackRequestSchema: SpecSchema;
	export const ApplicationCommandAutocompleteCallbackRequestSchema: SpecSchema;
	export const ModalInteractionCallbackRequestSchema: SpecSchema;
	export const IncomingWebhookInteractionRequestSchema: SpecSchema;
	export const IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema: SpecSchema;
	export const MessageEditRequestPartialSchema: SpecSchema;
	export const ApplicationCommandUpdateRequestSchema: SpecSchema;
	export const CreateTextThreadWithoutMessageRequestSchema: SpecSchema;
	export const CreateTextThreadWithMessageRequestSchema: SpecSchema;
	export const CreateForumThreadRequestSchema: SpecSchema;
}
