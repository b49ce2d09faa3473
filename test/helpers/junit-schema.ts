import {readFileSync} from 'node:fs'
import {validateXML} from 'xmllint-wasm'

const xsd = readFileSync(new URL('../../schema/junit-10.xsd', import.meta.url), 'utf8')

/** libxml2's verdict on `xml` against schema/junit-10.xsd: the error messages, empty when valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({xml: [{fileName: 'report.xml', contents: xml}], schema: [{fileName: 'junit-10.xsd', contents: xsd}]})
  return result.valid ? [] : result.errors.map((e) => e.rawMessage)
}
