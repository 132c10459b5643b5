import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { Logger } from '../log.ts';
import type { Ledger } from '../store/store.ts';
import { classifyFailure, SendFailed } from './failures.ts';
import type { PlannedEdit } from './redraw.ts';

/** Discord's answer for a message that is gone: a moderator deleted it. */
const UNKNOWN_MESSAGE = 10008;

/** Edits recorded and left alone in one channel's run. */
export interface EditsDone {
	edited: number;
	deleted: number;
}

/**
 * Brings posted messages up to date, one PATCH each, recording the new view after each so a
 * restart neither repeats nor forgets an edit. A message deleted by a moderator is recorded as
 * deleted and never posted again; a refused body is recorded too (sending it again would be
 * refused again). A pause or a passing fault ends the run like a send's would.
 */
export async function applyEdits(
	edits: ReadonlyArray<PlannedEdit & { date: string }>,
	deps: { channelId: string; ledger: Ledger; rest: REST; log: Logger; shouldStop?: () => boolean },
): Promise<EditsDone> {
	const done: EditsDone = { edited: 0, deleted: 0 };
	for (const edit of edits) {
		if (deps.shouldStop?.()) break;
		let view = edit.view;
		try {
			await deps.rest.patch(Routes.channelMessage(edit.target, edit.messageId), { body: edit.body });
			done.edited += 1;
		} catch (err) {
			if (err instanceof DiscordAPIError && err.code === UNKNOWN_MESSAGE) {
				deps.log.info({ date: edit.date, messageId: edit.messageId }, 'a posted digest message was deleted in Discord; it stays deleted');
				view = { ...edit.view, deleted: true };
				done.deleted += 1;
			} else {
				const failure = classifyFailure(err);
				if (failure.action !== 'reject') throw new SendFailed(failure);
				deps.log.error(
					{ date: edit.date, messageId: edit.messageId, reason: failure.reason },
					'Discord refused an edit of a posted message; it keeps its old text',
				);
			}
		}
		await deps.ledger.recordView(deps.channelId, edit.date, edit.key, view);
	}
	return done;
}
