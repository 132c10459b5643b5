import type { ButtonRoute, Command, SelectRoute } from '../src/bot/command.ts';
import { cardMenu } from './card.ts';
import { digestButtons, digestCommand } from './digest.ts';
import { helpCommand } from './help.ts';
import { paperCommand } from './paper.ts';
import { resumeCommand } from './resume.ts';
import { subscribeCommand } from './subscribe.ts';
import { subscriptionsCommand } from './subscriptions.ts';
import { unsubscribeCommand } from './unsubscribe.ts';
import { searchButtons, searchCommand } from './search.ts';
import { topButtons, topCommand } from './top.ts';

/** Every command, listed explicitly: deploy registers exactly these, the dispatcher routes exactly these. */
export const commands: readonly Command[] = [
	paperCommand,
	topCommand,
	digestCommand,
	searchCommand,
	helpCommand,
	subscribeCommand,
	unsubscribeCommand,
	subscriptionsCommand,
	resumeCommand,
];

export const buttons: readonly ButtonRoute[] = [topButtons, digestButtons, searchButtons];

export const selects: readonly SelectRoute[] = [cardMenu];
