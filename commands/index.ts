import type { ButtonRoute, Command, MessageMenuCommand, SelectRoute } from '../src/bot/command.ts';
import { cardMenu } from './card.ts';
import { digestButtons, digestCommand } from './digest.ts';
import { followCommand, followsCommand, unfollowCommand } from './follow.ts';
import { forgetButtons, forgetMeCommand } from './forget-me.ts';
import { helpCommand } from './help.ts';
import { paperCommand } from './paper.ts';
import { saveButtons, saveMenu, savePick } from './save.ts';
import { savedButtons, savedCommand } from './saved.ts';
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
	savedCommand,
	followCommand,
	followsCommand,
	unfollowCommand,
	forgetMeCommand,
];

export const buttons: readonly ButtonRoute[] = [topButtons, digestButtons, searchButtons, saveButtons, savedButtons, forgetButtons];

export const selects: readonly SelectRoute[] = [cardMenu, savePick];

/** Message context-menu commands (Apps → …), registered with the slash commands. */
export const menus: readonly MessageMenuCommand[] = [saveMenu];
