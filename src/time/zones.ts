/** True for a name Intl knows as a time zone (IANA names, `UTC`, fixed `Etc/GMT±N`). */
export function isValidTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}
