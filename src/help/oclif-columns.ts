/**
 * oclif wraps help to the terminal's width; ours is laid out for 80 columns whatever the terminal, as kubectl's
 * is, so that the help the build renders (fast-help.ts) is the help oclif prints. OCLIF_COLUMNS still wins.
 * Imported by oclif.ts before @oclif/core, which reads the setting once when it loads.
 */
const settings = ((globalThis as {oclif?: {columns?: number}}).oclif ??= {})
settings.columns ??= 80
