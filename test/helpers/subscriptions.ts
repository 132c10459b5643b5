import type { Store } from '../../src/store/store.ts';
import type { Subscription, SubscriptionDraft } from '../../src/store/schema.ts';

/** A subscription written straight to the store, as /subscribe would leave it. */
export function subscribe(
	store: Pick<Store, 'subscriptions'>,
	guildId: string,
	channelId: string,
	extra: Partial<SubscriptionDraft> = {},
): Promise<Subscription> {
	return store.subscriptions.put({
		guildId,
		channelId,
		time: '00:00',
		timezone: 'UTC',
		minVotes: null,
		top: null,
		mentionRoleId: null,
		thread: false,
		createdAt: new Date().toISOString(),
		startAfterDate: null,
		lastDeliveredDate: null,
		paused: null,
		...extra,
	});
}
