// Cluster data (object names, label values, event messages, log lines) can carry escape sequences that retitle
// the window, clear the screen or hide text. What we print for a person shows them as visible escapes instead;
// JSON, YAML and JUnit carry the data exactly (their own encodings take care of it).

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_NEWLINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

function visible(c: string): string {
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Text safe for a terminal: control characters become `\x1b`-style escapes; newlines kept unless `singleLine`. */
export function terminalSafe(text: string, options: {singleLine?: boolean} = {}): string {
  return text.replace(options.singleLine ? UNSAFE_OR_NEWLINE : UNSAFE, visible)
}

/** Whether text holds a character terminalSafe would escape (tests use it on whatever reaches a terminal). */
export function hasControlCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0
  return UNSAFE.test(text)
}
