import type {ScanFinding} from '../analysis/scan/findings.js'
import {escapeXml} from './junit.js'
import type {Report} from './report.js'

/**
 * JUnit XML for `scan`: one <testsuite> per area, one <testcase> per object and finding code (classname the
 * object, name the code), so CI reporters list every finding on its own and a known one can be muted by name.
 * An area without findings is one passing testcase. Warnings pass unless --fail-on warn; ignored findings are
 * <skipped>.
 */
export function renderScanJunit(report: Report, options: {failOnWarn?: boolean} = {}): string {
  const scan = report.scan!
  const attr = (values: Record<string, string | number>) => Object.entries(values).map(([k, v]) => ` ${k}="${escapeXml(String(v), true)}"`).join('')
  const failed = (f: ScanFinding) => !f.ignored && (f.severity === 'fail' || (f.severity === 'warn' && Boolean(options.failOnWarn)))
  const suites = report.checks.map((area) => {
    const findings = scan.findings.filter((f) => areaIdOf(report, f) === area.id)
    const cases = findings.length
      ? findings.map((f) => {
          const object = `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`
          const body = [f.summary, f.objects.length ? `Objects: ${f.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ')}` : '', f.fix ? `Fix:\n${f.fix}` : ''].filter(Boolean).join('\n\n')
          const inner = f.ignored
            ? `<skipped${attr({message: `ignored: ${f.summary}`})}/>`
            : failed(f)
              ? `<failure${attr({message: f.summary, type: f.code})}>${escapeXml(body, false)}</failure>`
              : `<system-out>${escapeXml(`WARNING: ${body}`, false)}</system-out>`
          return `    <testcase${attr({name: f.code, classname: object, time: '0.000'})}>\n      ${inner}\n    </testcase>`
        })
      : [`    <testcase${attr({name: area.id, classname: `netdiag.scan.${area.id.split('.')[1]}`, time: '0.000'})}>\n      <system-out>${escapeXml(area.summary, false)}</system-out>\n    </testcase>`]
    const failures = findings.filter(failed).length
    const skipped = findings.filter((f) => f.ignored).length
    return [
      `  <testsuite${attr({name: `kubectl netdiag scan: ${area.title}`, tests: cases.length, failures, errors: 0, skipped, time: (area.durationMs / 1000).toFixed(3), timestamp: report.startedAt, package: area.id})}>`,
      ...cases,
      '  </testsuite>',
    ].join('\n')
  })
  const tests = report.checks.reduce((n, area) => n + Math.max(1, scan.findings.filter((f) => areaIdOf(report, f) === area.id).length), 0)
  const failures = scan.findings.filter(failed).length
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attr({name: 'kubectl netdiag scan', tests, failures, errors: 0, time: (report.durationMs / 1000).toFixed(3)})}>`, ...suites, '</testsuites>'].join('\n') + '\n'
}

function areaIdOf(report: Report, finding: ScanFinding): string {
  return finding.area ? `scan.${finding.area}` : report.checks[0]!.id
}
