/**
 * A path from a request (or from a database row) turned into a file strictly inside one
 * directory, or refused. The text must be a plain relative path (letters, digits, '.', '_',
 * '-', '/' between names): no NUL, no backslash, no '%' (a second round of decoding is not
 * ours to do), not absolute, no '.' or '..' segment. Then the resolved path, and its real
 * path once symbolic links are followed, must both lie under the directory's real path.
 */
import { realpath } from 'node:fs/promises'
import path from 'node:path'

export type Resolved = { file: string } | { refused: string } | { missing: string }

const PLAIN = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/
const MAX_LENGTH = 512

/** Why `relative` is not a plain relative path, or undefined when it is one. */
export function pathProblem(relative: string): string | undefined {
  if (relative.length === 0) return 'the path is empty'
  if (relative.length > MAX_LENGTH) return `the path is longer than ${MAX_LENGTH} characters`
  if (relative.includes('\0')) return 'the path holds a NUL byte'
  if (relative.includes('\\')) return "the path holds a backslash; use '/'"
  if (relative.startsWith('/') || path.isAbsolute(relative)) return 'the path must be relative to the recordings directory'
  if (!PLAIN.test(relative)) return "the path may hold only letters, digits, '.', '_', '-' and '/' between names"
  if (relative.split('/').some((s) => s === '.' || s === '..')) return "the path may not hold '.' or '..' segments"
  return undefined
}

const inside = (root: string, file: string): boolean => file.startsWith(root.endsWith(path.sep) ? root : root + path.sep)

export async function resolveInside(directory: string, relative: string): Promise<Resolved> {
  const problem = pathProblem(relative)
  if (problem) return { refused: problem }
  const root = path.resolve(directory)
  const file = path.resolve(root, relative)
  if (!inside(root, file)) return { refused: 'the path leads outside the recordings directory' }
  let realRoot: string
  let realFile: string
  try {
    realRoot = await realpath(root)
    realFile = await realpath(file)
  } catch {
    return { missing: 'the file is not there (yet)' }
  }
  if (!inside(realRoot, realFile)) return { refused: 'the path leads outside the recordings directory' }
  return { file: realFile }
}
