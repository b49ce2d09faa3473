// Path semantics shared by Ingress (Exact, Prefix) and Gateway API (Exact, PathPrefix): the Gateway API spec
// says PathPrefix "is semantically equivalent to the Prefix path type in the Kubernetes Ingress API".

/** The path of a request, without query or fragment; "" becomes "/". */
export function requestPath(path: string | undefined): string {
  const bare = (path ?? '/').split(/[?#]/)[0] ?? ''
  return bare === '' ? '/' : bare.startsWith('/') ? bare : `/${bare}`
}

function elements(path: string): string[] {
  return path.split('/').filter((e) => e !== '')
}

/** Exact: case-sensitive string equality (`/foo` does not match `/foo/`). */
export function exactPathMatches(value: string, path: string): boolean {
  return value === requestPath(path)
}

/** Prefix: element by element on `/`, a trailing `/` ignored on either side (`/aaa/bb` does not match `/aaa/bbb`). */
export function prefixPathMatches(value: string, path: string): boolean {
  const want = elements(value)
  const have = elements(requestPath(path))
  return want.length <= have.length && want.every((e, i) => e === have[i])
}

/** How specific a matching prefix is: the Ingress docs' "longest matching path", in characters, trailing `/` ignored. */
export function prefixLength(value: string): number {
  return value.replace(/\/+$/, '').length
}
