import nock from 'nock'
import {after, afterEach, before} from 'node:test'

/** Strict nock for the enclosing describe: no real connection, every interceptor gone after each test. */
export function strictNock(): void {
  before(() => nock.disableNetConnect())
  afterEach(() => {
    nock.cleanAll()
    // oclif's Command.catch sets process.exitCode for `this.exit(1)`; in-process, it would fail this test file.
    process.exitCode = undefined
  })
  after(() => nock.enableNetConnect())
}
