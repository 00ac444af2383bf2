/**
 * The console's softphone in Debian's chromium, for the real-switch tests: a browser whose
 * fake microphone plays a tone, a user's page logged in with its softphone registered, and
 * what the page hears (WebAudio analyser in src/web/static/softphone.js).
 */
import path from 'node:path'
import { expect } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM } from '../../web/harness.js'
import { writeTone } from './audio.js'
import { eventually, type World } from './world.js'

const browsers: Browser[] = []

/** The test users' passwords: long enough for the password rules. */
export const password = (user: string) => `${user}-long-test-password`

/** A chromium whose fake microphone plays a tone of `hz`; closed by closeBrowsers(). */
export async function browserSpeaking(w: World, hz: number): Promise<Browser> {
  const wavFile = path.join(w.sw.dir, `mic-${hz}.wav`)
  writeTone(wavFile, hz)
  const b = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavFile}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
  browsers.push(b)
  return b
}

export async function closeBrowsers(): Promise<void> {
  for (const b of browsers.splice(0)) await b.close().catch(() => undefined)
}

type SoftphoneWindow = { ccSoftphone: { state: string; line: string; events: EventTarget }; offered: number }

/** A user's page, logged in, its softphone registered; the browser's own audio processing off (tones). */
export async function openPage(w: World, browser: Browser, user: string, where: '/operator' | '/wallboard'): Promise<Page> {
  const context = await browser.newContext()
  await context.addInitScript(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('cc.rawAudio', '1'))
  const page = await context.newPage()
  await page.goto(`http://127.0.0.1:${w.httpPort}${where}`)
  await page.waitForURL(/\/login/)
  await page.fill('input[name=username]', user)
  await page.fill('input[name=password]', password(user))
  await page.click('button[type=submit]')
  await page.waitForURL(new RegExp(`${where}$`))
  await softphoneState(page, 'registered', 20_000)
  // Calls offered to the phone, counted from here on.
  await page.evaluate(() => {
    const win = globalThis as unknown as SoftphoneWindow
    win.offered = 0
    win.ccSoftphone.events.addEventListener('incoming', () => win.offered++)
  })
  return page
}

/** Waits for the page's softphone to reach `state` (registered, reconnecting, ...). */
export async function softphoneState(page: Page, state: string, timeout: number): Promise<void> {
  await page.waitForFunction((s) => (globalThis as unknown as SoftphoneWindow).ccSoftphone?.state === s, state, { timeout })
}

/** Waits for the page's open line to reach `line` (open, in-call, ...). */
export async function lineState(page: Page, line: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction((l) => (globalThis as unknown as SoftphoneWindow).ccSoftphone?.line === l, line, { timeout })
}

/** Calls offered to the page's softphone since openPage. */
export const offered = (page: Page) => page.evaluate(() => (globalThis as unknown as SoftphoneWindow).offered)

/** What the page hears: the dominant frequency and the level (dBFS) of each asked one. */
export function hears(page: Page, frequencies: number[], ms = 1500): Promise<{ peakHz: number; levels: Record<string, number> }> {
  return page.evaluate(
    ([f, t]) => (globalThis as unknown as { ccSoftphone: { measure(ms: number, f: number[]): Promise<{ peakHz: number; levels: Record<string, number> }> } }).ccSoftphone.measure(t, f),
    [frequencies, ms] as const,
  )
}

/** What the page hears once `hz` comes through (media may take a moment to flow after the answer). */
export function hearsTone(page: Page, hz: number, frequencies: number[]): Promise<{ peakHz: number; levels: Record<string, number> }> {
  return eventually(`${hz} Hz in the page`, async () => {
    const h = await hears(page, frequencies)
    return h.levels[String(hz)]! > -50 ? h : undefined
  }, 15_000)
}

/** The caller speaks a tone of `hz` (written to their leg, which FreeSWITCH hears from them): the page hears it above `others`. */
export async function expectPageHearsCaller(w: World, page: Page, aLeg: string, hz: number, others: number[]): Promise<void> {
  await w.driver.api(`uuid_broadcast ${aLeg} tone_stream://%(600000,0,${hz});loops=-1 aleg`)
  const inPage = await hearsTone(page, hz, [hz, ...others])
  expect(Math.abs(inPage.peakHz - hz), JSON.stringify(inPage)).toBeLessThan(15)
}

/** An always-connected operator goes available from the console: her line opens. */
export async function availableOnLine(page: Page): Promise<void> {
  await page.click('#go-available')
  await lineState(page, 'open')
}
