/** Paths from requests resolved strictly inside the recordings directory. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pathProblem, resolveInside } from '../../src/http/safe-path.js'

let root: string

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-path-'))
  fs.mkdirSync(path.join(root, 'inside/2026'), { recursive: true })
  fs.writeFileSync(path.join(root, 'inside/2026/a.wav'), 'a')
  fs.writeFileSync(path.join(root, 'outside.txt'), 'secret')
  fs.symlinkSync(path.join(root, 'outside.txt'), path.join(root, 'inside/2026/link.wav'))
  fs.symlinkSync(path.join(root, 'inside/2026/a.wav'), path.join(root, 'inside/2026/fine-link.wav'))
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

describe('resolveInside', () => {
  it('resolves a plain relative path to the file', async () => {
    expect(await resolveInside(path.join(root, 'inside'), '2026/a.wav')).toEqual({ file: fs.realpathSync(path.join(root, 'inside/2026/a.wav')) })
    expect(await resolveInside(path.join(root, 'inside'), '2026/fine-link.wav')).toHaveProperty('file')
    expect(await resolveInside(path.join(root, 'inside'), '2026/none.wav')).toHaveProperty('missing')
  })

  it('refuses traversal, absolute paths, NUL, backslashes, encodings and links out', async () => {
    const dir = path.join(root, 'inside')
    for (const p of ['../outside.txt', '2026/../../outside.txt', '/etc/passwd', path.join(root, 'outside.txt'), '2026/a.wav\0.txt', '..\\outside.txt', '%2e%2e/outside.txt', '2026//a.wav', './2026/a.wav', '2026/.', '', 'a'.repeat(600)]) {
      expect(await resolveInside(dir, p), JSON.stringify(p)).toHaveProperty('refused')
    }
    expect(await resolveInside(dir, '2026/link.wav')).toEqual({ refused: 'the path leads outside the recordings directory' })
  })

  it('whatever the text, a file it answers lies inside the directory', async () => {
    const dir = path.join(root, 'inside')
    const real = fs.realpathSync(dir) + path.sep
    const pieces = fc.constantFrom('..', '.', '2026', 'a.wav', 'link.wav', '', '/', '\\', '%2e', '\0', '~', 'outside.txt')
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 6 }).map((a) => a.join('/'))), async (p) => {
        const r = await resolveInside(dir, p)
        if ('file' in r) expect(r.file.startsWith(real)).toBe(true)
        if (pathProblem(p) === undefined) expect(p.split('/')).not.toContain('..')
      }),
      { numRuns: 500 },
    )
  })
})
