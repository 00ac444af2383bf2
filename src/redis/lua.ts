/**
 * Redis Lua scripts live in .lua files beside the code that runs them (as bullmq keeps its
 * own), read once at start; the build copies the lua/ folders next to the compiled code.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The script `lua/<name>` next to the module at `moduleUrl` (its import.meta.url). */
export function readLua(moduleUrl: string, name: string): string {
  return fs.readFileSync(path.join(path.dirname(fileURLToPath(moduleUrl)), 'lua', name), 'utf8')
}
