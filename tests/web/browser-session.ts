/**
 * The hooks every page-test file needs: chromium and a web center started once for the
 * file, a page per test that collects script errors and refused content (the pages'
 * Content-Security-Policy), and those problems failing the test they happened in. Without
 * chromium every test fails with the reason (none is skipped).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { launchChromium, startWebCenter, type WebCenter } from './harness.js'

export interface BrowserSession {
  /** The center of this file (set once the file's beforeAll ran). */
  readonly center: WebCenter
  /** A page in a context of its own, closed with the file. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>
  /** What the pages reported so far in this test (a test that provokes one takes it out). */
  readonly problems: string[]
}

export interface BrowserSessionOptions {
  queuesYaml?: string
  /** More IVR flows, as YAML (harness.ts startWebCenter). */
  flowsYaml?: string[]
  /** Data the file's tests share, put in once the center is up. */
  seed?: (center: WebCenter) => Promise<void>
}

export function browserSession(options: BrowserSessionOptions = {}): BrowserSession {
  let center: WebCenter | undefined
  let browser: Browser | undefined
  let missing: Error | undefined
  const contexts: BrowserContext[] = []
  const problems: string[] = []

  beforeAll(async () => {
    try {
      browser = await launchChromium()
    } catch (err) {
      missing = err as Error
      return
    }
    center = await startWebCenter({ queuesYaml: options.queuesYaml, flowsYaml: options.flowsYaml })
    await options.seed?.(center)
  }, 90_000)

  beforeEach(() => {
    if (missing) throw missing
  })

  afterEach(() => {
    const seen = problems.splice(0)
    expect(seen, 'errors in the pages').toEqual([])
  })

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await center?.close()
  }, 60_000)

  return {
    problems,
    get center(): WebCenter {
      if (!center) throw missing ?? new Error('the web center is not up yet (use it inside a test)')
      return center
    },
    async newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
      const context = await browser!.newContext({ viewport })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`))
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Uncaught/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`)
      })
      page.setDefaultTimeout(15_000)
      return page
    },
  }
}
