/**
 * Discord's limits on what a message may carry; a body over any of them is refused with a 400.
 * Every length is in UTF-16 code units, JavaScript's `length`: never fewer than Discord counts.
 */
export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBED_FIELDS_MAX = 25;
export const EMBED_FIELD_NAME_MAX = 256;
export const EMBED_FIELD_VALUE_MAX = 1024;
export const EMBED_FOOTER_MAX = 2048;
export const EMBED_AUTHOR_NAME_MAX = 256;
/** Title, description, field names and values, footer text and author name of all embeds of one message. */
export const MESSAGE_EMBEDS_TOTAL_MAX = 6000;
export const MESSAGE_EMBEDS_MAX = 10;
export const MESSAGE_CONTENT_MAX = 2000;
export const AUTOCOMPLETE_CHOICES_MAX = 25;
export const AUTOCOMPLETE_NAME_MAX = 100;
/** Discord rejects embed URLs (link, image, thumbnail) longer than this. */
export const EMBED_URL_MAX = 2048;
