import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'))
const ajv = new Ajv.default({allErrors: true, strict: false})
addFormats.default(ajv)
const validate = ajv.compile(schema)

/** Every report a test sees must satisfy the published contract. */
export function assertValidReport(report: unknown): void {
  const ok = validate(report)
  assert.ok(ok, `report does not match schema/report.schema.json: ${ajv.errorsText(validate.errors)}`)
}
