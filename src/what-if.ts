// --with FILE|DIR and --without KIND/NS/NAME: shared by scan, path, svc and dns. The overlay is read before the
// cluster is touched, so a malformed manifest is exit 2 whatever the cluster says.
import {Flags} from './oclif.js'

import {badInput} from './errors.js'
import type {OverlayObject} from './cluster/overlay-files.js'
import type {ObjectIdentity} from './analysis/whatif/identity.js'

export const whatIfFlags = {
  with: Flags.string({
    description: 'What-if: evaluate as if these manifests were applied (YAML or JSON file, a directory read recursively, or - for stdin; repeatable). Implies --no-probe: probes would test the real cluster, not the what-if.',
    multiple: true,
    multipleNonGreedy: true,
  }),
  without: Flags.string({
    description: 'What-if: evaluate as if this object were deleted: KIND/NAMESPACE/NAME, or KIND/NAME for cluster-scoped kinds (repeatable).',
    multiple: true,
    multipleNonGreedy: true,
  }),
}

export interface WhatIf {
  objects: OverlayObject[]
  deletions: ObjectIdentity[]
}

export interface WhatIfFlagValues {
  with?: string[]
  without?: string[]
}

/** The overlay the flags ask for, read and validated; undefined when neither flag is given. */
export async function readWhatIf(flags: WhatIfFlagValues, defaultNamespace: string): Promise<WhatIf | undefined> {
  if (!flags.with?.length && !flags.without?.length) return undefined
  const [{readOverlayFiles}, {parseDeletion}] = await Promise.all([import('./cluster/overlay-files.js'), import('./analysis/whatif/identity.js')])
  const objects = readOverlayFiles(flags.with ?? [], {defaultNamespace})
  const deletions = (flags.without ?? []).map((text) => {
    const parsed = parseDeletion(text, defaultNamespace)
    if ('error' in parsed) throw badInput(parsed.error)
    return parsed
  })
  if (objects.length === 0 && deletions.length === 0) throw badInput(`--with ${flags.with!.join(', ')}: holds no object`)
  return {objects, deletions}
}
