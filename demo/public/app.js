// The demo page: draws the embedded Discord's channels with a maintained renderer of Discord
// messages, and sends what the visitor does to the bot as interactions, through the demo server.
import '@skyra/discord-components-core';

const $ = (id) => document.getElementById(id);
const view = { channelId: null, member: 'admin', locale: 'ko', state: null };
// The renderer's default avatars live on a CDN; the demo has no network, so the bot's is drawn here.
const AVATAR = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="20" fill="#ffb000"/><text x="20" y="27" font-size="20" text-anchor="middle">📰</text></svg>')}`;
const MEMBER_AVATAR = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="20" fill="#5865f2"/></svg>')}`;
const BUTTON_STYLES = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'destructive', 5: 'secondary' };

async function post(path, body) {
	const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const json = await res.json().catch(() => ({}));
	if (!res.ok) throw new Error(json.error ?? `the demo server answered ${res.status}`);
	return json;
}

function el(tag, attrs = {}, children = []) {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'html')
			node.innerHTML = v; // already made safe by the server
		else if (k === 'text') node.textContent = v;
		else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
		else node.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children) if (c) node.append(c);
	return node;
}

function click(message, component, values) {
	post('/api/component', {
		channelId: view.channelId,
		member: view.member,
		locale: view.locale,
		ref: message.ref,
		customId: component.custom_id,
		componentType: component.type,
		...(values ? { values } : {}),
	}).catch((err) => showError(err.message));
}

function componentsOf(message) {
	if (!message.components.length) return null;
	const rows = message.components.map((row) =>
		el(
			'discord-action-row',
			{},
			(row.components ?? []).map((c) => {
				if (c.type === 2) {
					const link = c.style === 5;
					return el('discord-button', {
						type: BUTTON_STYLES[c.style] ?? 'secondary',
						url: link ? c.url : undefined,
						disabled: c.disabled === true,
						emoji: undefined,
						text: `${c.emoji?.name ? `${c.emoji.name} ` : ''}${c.label ?? ''}`,
						'data-custom-id': c.custom_id,
						onclick: link ? undefined : () => !c.disabled && click(message, c),
					});
				}
				if (c.type === 3) {
					return el(
						'discord-string-select-menu',
						{ placeholder: c.placeholder ?? '', disabled: c.disabled === true, 'data-custom-id': c.custom_id },
						(c.options ?? []).map((o) =>
							el('discord-string-select-menu-option', {
								label: o.label,
								description: o.description,
								class: 'menu-option',
								'data-value': o.value,
								onclick: (e) => {
									e.stopPropagation();
									click(message, c, [o.value]);
								},
							}),
						),
					);
				}
				return null;
			}),
		),
	);
	return el('discord-attachments', { slot: 'components' }, rows);
}

function embedOf(e) {
	const children = [];
	if (e.descriptionHtml) children.push(el('discord-embed-description', { slot: 'description', html: e.descriptionHtml }));
	if (e.fields.length) {
		children.push(
			el(
				'discord-embed-fields',
				{ slot: 'fields' },
				e.fields.map((f) => el('discord-embed-field', { 'field-title': f.name, inline: f.inline, html: f.valueHtml })),
			),
		);
	}
	if (e.footer) children.push(el('discord-embed-footer', { slot: 'footer', text: e.footer }));
	return el(
		'discord-embed',
		{ slot: 'embeds', color: e.color, 'embed-title': e.title, url: e.url, 'author-name': e.authorName, thumbnail: e.thumbnail },
		children,
	);
}

function messageOf(m) {
	const children = [];
	if (m.usedBy) children.push(el('discord-command', { slot: 'reply', author: m.usedBy.name, avatar: MEMBER_AVATAR, command: m.usedBy.command }));
	if (m.contentHtml) children.push(el('span', { html: m.contentHtml }));
	for (const a of m.attachments) children.push(el('div', { class: 'attachment', text: `📎 ${a.filename} (${a.size} bytes)` }));
	for (const e of m.embeds) children.push(embedOf(e));
	children.push(componentsOf(m));
	return el(
		'discord-message',
		{ author: m.author.name, avatar: AVATAR, bot: m.author.bot, ephemeral: m.ephemeral, edited: m.edited, 'data-ref': m.ref },
		children,
	);
}

function render() {
	const s = view.state;
	if (!s) return;
	$('guild').textContent = s.guild.name;
	$('today').textContent = `Demo date: ${s.today}`;
	const nav = $('channels');
	nav.replaceChildren(
		...s.channels.map((c) =>
			el('a', {
				class: `${c.thread ? 'thread' : ''} ${c.id === view.channelId ? 'active' : ''}`,
				text: c.thread ? `↳ ${c.name}` : `# ${c.name}`,
				'data-channel': c.name,
				onclick: () => {
					view.channelId = c.id;
					view.jump = true;
					load();
				},
			}),
		),
	);
	const channel = s.channels.find((c) => c.id === view.channelId);
	$('channel-name').textContent = channel ? `${channel.thread ? '↳' : '#'} ${channel.name}` : '';
	$('can-post').checked = channel?.canPost ?? true;
	const box = $('messages');
	const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
	box.replaceChildren(...s.messages.map(messageOf));
	// A channel opens at its newest message, and stays there as new ones arrive.
	// The renderer draws its elements after this turn: scroll once they have their height.
	if (atBottom || view.jump) requestAnimationFrame(() => setTimeout(() => (box.scrollTop = box.scrollHeight), 30));
	view.jump = false;
	const select = $('member');
	if (!select.options.length) for (const m of s.members) select.append(el('option', { value: m.key, text: m.name }));
}

let loading = null;
let again = false;
// One state request at a time; a change told during one is fetched right after it, not lost.
async function load() {
	if (loading) {
		again = true;
		return loading;
	}
	loading = (async () => {
		try {
			const asked = { channelId: view.channelId, member: view.member };
			const q = new URLSearchParams({ viewer: asked.member, ...(asked.channelId ? { channel: asked.channelId } : {}) });
			const state = await (await fetch(`/api/state?${q}`)).json();
			if (!asked.channelId) view.channelId = state.channels.find((c) => c.name === 'papers')?.id ?? state.channels[0]?.id;
			// The answer is for what was asked: a channel or member picked meanwhile is fetched again, never drawn with another's messages.
			if (asked.channelId !== view.channelId || asked.member !== view.member) {
				again = true;
				return;
			}
			view.state = state;
			render();
		} finally {
			loading = null;
			if (again) {
				again = false;
				load();
			}
		}
	})();
	return loading;
}

function showError(text) {
	$('command-error').textContent = text;
}

function suggest(items) {
	$('suggestions').replaceChildren(...items.map((i) => el('li', { text: i.label, onclick: i.pick })));
}

let autocompleteTimer;
function onInput() {
	showError('');
	const line = $('command').value;
	clearTimeout(autocompleteTimer);
	if (!line.startsWith('/')) return suggest([]);
	if (!line.includes(' ')) {
		const typed = line.slice(1);
		const names = (view.state?.commands ?? []).filter(
			(c) => c.name.startsWith(typed) || Object.values(c.name_localizations ?? {}).some((n) => n.startsWith(typed)),
		);
		return suggest(names.map((c) => ({ label: `/${c.name} — ${c.description ?? ''}`, pick: () => (($('command').value = `/${c.name} `), onInput()) })));
	}
	autocompleteTimer = setTimeout(async () => {
		const answer = await post('/api/autocomplete', { channelId: view.channelId, member: view.member, locale: view.locale, line }).catch(() => ({
			choices: [],
		}));
		if ($('command').value !== line) return;
		suggest(
			answer.choices.map((c) => ({
				label: c.name,
				pick: () => {
					const at = line.lastIndexOf(`${answer.option}:`);
					$('command').value = `${line.slice(0, at)}${answer.option}:${c.value} `;
					suggest([]);
				},
			})),
		);
	}, 200);
}

$('command').addEventListener('input', onInput);
$('command-form').addEventListener('submit', async (e) => {
	e.preventDefault();
	const line = $('command').value.trim();
	if (!line) return;
	suggest([]);
	try {
		await post('/api/command', { channelId: view.channelId, member: view.member, locale: view.locale, line });
		$('command').value = '';
	} catch (err) {
		showError(err.message);
	}
	load();
});
$('member').addEventListener('change', (e) => ((view.member = e.target.value), load()));
$('locale').addEventListener('change', (e) => (view.locale = e.target.value));
$('can-post').addEventListener('change', (e) => post('/api/permission', { channelId: view.channelId, canPost: e.target.checked }).then(load));
$('drop').addEventListener('click', () =>
	post('/api/drop', {})
		.then(load)
		.catch((err) => showError(err.message)),
);

new EventSource('/api/events').addEventListener('message', () => load());
load();
