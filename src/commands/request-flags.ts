import {Flags} from '../oclif.js'

import {badInput} from '../errors.js'

/** --host, --path and --url, shared by `ingress` and `route`. */
export const requestFlags = {
  host: Flags.string({description: 'The Host header of the request to follow (port ignored).'}),
  path: Flags.string({description: 'The request path to follow (default: /; with --host only).'}),
  url: Flags.string({description: 'The request as a URL, http(s)://HOST/PATH: sets --host and --path; https also requires TLS for the host.'}),
}

export interface RequestTarget {
  host?: string
  path?: string
  scheme?: 'http' | 'https'
}

// An RFC 1123 hostname, optionally with a leading wildcard label is not a request host.
const HOST = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*\.?(:\d{1,5})?$/

export function parseRequestFlags(flags: {host?: string; path?: string; url?: string}): RequestTarget {
  if (flags.url !== undefined) {
    if (flags.host !== undefined || flags.path !== undefined) throw badInput('--url sets the host and path: use it without --host/--path')
    let url: URL
    try {
      url = new URL(flags.url)
    } catch {
      throw badInput(`invalid --url "${flags.url}": expected http://HOST/PATH or https://HOST/PATH`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`invalid --url "${flags.url}": only http and https are followed`)
    return {host: url.host, path: decodeURI(url.pathname || '/'), scheme: url.protocol === 'https:' ? 'https' : 'http'}
  }
  if (flags.host !== undefined && !HOST.test(flags.host)) throw badInput(`invalid --host "${flags.host}": a DNS name such as shop.example.com`)
  if (flags.path !== undefined && !flags.path.startsWith('/')) throw badInput(`invalid --path "${flags.path}": a path starts with /`)
  return {...(flags.host !== undefined ? {host: flags.host} : {}), ...(flags.path !== undefined ? {path: flags.path} : {})}
}
