/**
 * Word-wraps `text` to `width` columns. Breaks only at spaces, so a command or a name is never split mid-word
 * (a word longer than the line gets a line of its own); existing newlines are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(' ')) {
      if (line === '') line = word
      else if (line.length + 1 + word.length <= width) line += ` ${word}`
      else {
        lines.push(line)
        line = word
      }
    }
    lines.push(line)
  }
  return lines
}

/** Wraps with `first` before the first line and `rest` (spaces) before the others. */
export function hangingIndent(text: string, width: number, first: string, rest = ' '.repeat(first.length)): string[] {
  return wrapText(text, Math.max(10, width - rest.length)).map((line, i) => (i === 0 ? first : rest) + line)
}
