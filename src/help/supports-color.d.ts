// supports-color 8 (oclif's) ships no types; the two fields oclif-color.ts reads.
declare module 'supports-color' {
  const supportsColor: {stdout: false | {level: number}; stderr: false | {level: number}}
  export default supportsColor
}
