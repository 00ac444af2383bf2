/** Writing figures into docs/BENCHMARKS.md, as bench/run.ts does for its sections. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/BENCHMARKS.md')

/** Replaces the doc's section between `<!-- name:start -->` and `<!-- name:end -->` (appended when missing). */
export function writeSection(name: string, lines: string[]): void {
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  const section = [open, ...lines, close].join('\n')
  const old = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : ''
  const start = old.indexOf(open)
  const end = old.indexOf(close)
  const updated = start >= 0 && end > start ? old.slice(0, start) + section + old.slice(end + close.length) : `${old}\n${section}\n`
  fs.writeFileSync(DOC, updated)
  console.log(`\nwritten to ${path.relative(process.cwd(), DOC)}`)
}
