/**
 * FreeSWITCH's configuration as FreeSWITCH reads it, for the deployment tests: a port of
 * the XML pre-processor of FreeSWITCH 1.10/1.11 (src/switch_xml.c: preprocess(),
 * expand_vars(), preprocess_glob(), preprocess_env_set(), preprocess_exec_set()) that assembles
 * freeswitch.xml and its includes into one document, and a small element tree over
 * fast-xml-parser's output.
 *
 * What is ported, line for line: lines are read one at a time; "$${name}" is replaced by the
 * global variable (nothing when it is unset); a line whose raw text holds "<include>",
 * "</include>" or "<?" is dropped; a line naming the X-PRE-PROCESS tag anywhere but right
 * after "<" is dropped; a directive line runs its command (set, env-set, exec-set, include;
 * stun-set and exec are recorded, not run) and is itself dropped; "<!--#" comments are not
 * ported (the configuration must not use them; the tests check). exec-set really runs its
 * command with /bin/sh, in the environment given, as FreeSWITCH does (popen).
 * tests/freeswitch/conf.test.ts checks this model against the real switch.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const CONF_DIR = path.join(REPO, 'freeswitch/conf')

/**
 * Global variables FreeSWITCH has set when it reads the configuration (switch_core_init in
 * src/switch_core.c, 1.11.1). core_uuid is not among them: it is set after switch_xml_init, so
 * "$${core_uuid}" is empty in the configuration (tests/freeswitch/conf.test.ts shows it).
 */
export const CORE_VARIABLE_NAMES = [
  'hostname', 'local_ip_v4', 'local_mask_v4', 'local_ip_v6', 'base_dir', 'recordings_dir', 'sound_prefix', 'sounds_dir', 'conf_dir', 'log_dir',
  'run_dir', 'db_dir', 'mod_dir', 'htdocs_dir', 'script_dir', 'temp_dir', 'grammar_dir', 'fonts_dir', 'images_dir', 'certs_dir', 'storage_dir',
  'cache_dir', 'data_dir', 'localstate_dir',
] as const

/** Global variables FreeSWITCH sets only later (or never, with -nonat): empty while pre-processing. */
export const LATE_VARIABLE_NAMES = ['core_uuid', 'switch_serial', 'zrtp_enabled', 'nat_public_addr', 'nat_private_addr', 'nat_type'] as const

export interface Directive {
  file: string
  line: number
  cmd: string
  data: string
}

export interface Assembled {
  /** The document FreeSWITCH would parse (its freeswitch.xml.fsxml). */
  xml: string
  /** Global variables after pre-processing. */
  globals: Map<string, string>
  directives: Directive[]
  /** "$${name}" references to variables that were not set at that point (they expand to nothing). */
  undefinedReferences: Array<{ file: string; line: number; name: string }>
  /** Files the include directives pulled in, in order. */
  files: string[]
}

export interface AssembleOptions {
  /** The process environment FreeSWITCH starts with (what env-set reads). */
  env?: Record<string, string>
  /** Values of FreeSWITCH's own global variables (local_ip_v4, conf_dir ...). */
  core?: Record<string, string>
}

/** switch_find_end_paren: the index of the '}' closing the '{' at `start`, or -1. */
function findEndParen(s: string, start: number): number {
  let depth = 0
  for (let i = start; i < s.length; i++) {
    if (s[i] === '{') depth++
    else if (s[i] === '}' && --depth === 0) return i
  }
  return -1
}

function expandVars(line: string, globals: Map<string, string>, onUndefined: (name: string) => void): string {
  if (!line.includes('$${')) return line
  let out = ''
  let i = 0
  while (i < line.length) {
    if (line.startsWith('$${', i)) {
      const end = findEndParen(line, i + 2)
      if (end >= 0) {
        const name = line.slice(i + 3, end)
        const value = globals.get(name)
        if (value === undefined) onUndefined(name)
        else out += value
        i = end + 1
        continue
      }
    }
    out += line[i]
    i++
  }
  return out
}

/** preprocess_glob: a path relative to `cwd`, '*' and '?' in the last part only, sorted like glob(3) in the C locale. */
function globFiles(cwd: string, pattern: string): string[] {
  const full = path.isAbsolute(pattern) ? pattern : path.join(cwd, pattern)
  const dir = path.dirname(full)
  const base = path.basename(full)
  if (!/[*?]/.test(base)) return fs.existsSync(full) ? [full] : []
  if (!fs.existsSync(dir)) return []
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`)
  return fs
    .readdirSync(dir)
    .filter((f) => re.test(f) && !f.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => path.join(dir, f))
}

/** Assembles freeswitch.xml the way FreeSWITCH's pre-processor does. */
export function assemble(options: AssembleOptions = {}, confDir = CONF_DIR): Assembled {
  const env = options.env ?? {}
  const globals = new Map<string, string>()
  for (const name of CORE_VARIABLE_NAMES) globals.set(name, `core-${name}`)
  globals.set('local_ip_v4', '172.28.10.2')
  for (const [k, v] of Object.entries(options.core ?? {})) globals.set(k, v)

  const result: Assembled = { xml: '', globals, directives: [], undefinedReferences: [], files: [] }
  const out: string[] = []

  const preprocess = (cwd: string, file: string, level: number): void => {
    if (level > 100) throw new Error(`include recursion too deep at ${file}`)
    result.files.push(file)
    const lines = fs.readFileSync(file, 'utf8').split('\n')
    lines.forEach((raw, index) => {
      const lineNo = index + 1
      const buf = index < lines.length - 1 ? `${raw}\n` : raw
      if (buf === '') return
      const bp = expandVars(buf, globals, (name) => result.undefinedReferences.push({ file, line: lineNo, name }))
      if (buf.includes('<include>') || buf.includes('</include>') || buf.includes('<?')) return
      const at = bp.toLowerCase().indexOf('x-pre-process')
      if (at >= 0) {
        if (at === 0 || bp[at - 1] !== '<') return
        const m = /cmd\s*=\s*"([^"]*)"[\s\S]*?data\s*=\s*"([^"]*)"/i.exec(bp.slice(at))
        if (!m) return
        const cmd = m[1]!
        const data = m[2]!
        result.directives.push({ file, line: lineNo, cmd, data })
        switch (cmd.toLowerCase()) {
          case 'set': {
            const eq = data.indexOf('=')
            if (eq >= 0) globals.set(data.slice(0, eq).replace(/ +$/, ''), data.slice(eq + 1).replace(/^ +/, ''))
            break
          }
          case 'env-set': {
            const eq = data.indexOf('=')
            if (eq >= 0 && data[eq + 1] === '$') {
              const value = env[data.slice(eq + 2)]
              if (value !== undefined) globals.set(data.slice(0, eq), value)
            }
            break
          }
          case 'exec-set': {
            // preprocess_exec_set: "name = command", spaces around "=" trimmed; the command's exit
            // status is ignored; its output, when there is any, set with trailing spaces and
            // newlines cut (not tabs or CRs).
            const eq = data.indexOf('=')
            if (eq < 0) break
            const shellEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }
            const output = spawnSync('/bin/sh', ['-c', data.slice(eq + 1).replace(/^ +/, '')], { env: shellEnv, encoding: 'utf8' }).stdout
            if (output !== '') globals.set(data.slice(0, eq).replace(/ +$/, ''), output.replace(/[ \n]+$/, ''))
            break
          }
          case 'include':
            for (const f of globFiles(cwd, data)) preprocess(path.dirname(f), f, level + 1)
            break
          default:
            // stun-set, exec: recorded in `directives`; this configuration uses neither.
            break
        }
        return
      }
      out.push(bp)
    })
  }

  preprocess(confDir, path.join(confDir, 'freeswitch.xml'), 0)
  result.xml = out.join('')
  return result
}

/** Every XML file under the configuration directory. */
export function confFiles(dir = CONF_DIR): string[] {
  const files: string[] = []
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.xml')) files.push(p)
    }
  }
  walk(dir)
  return files.sort()
}

/** fast-xml-parser's well-formedness check: true, or the first error with its line. */
export function wellFormed(xml: string): true | string {
  const r = XMLValidator.validate(xml)
  return r === true ? true : `line ${r.err.line}: ${r.err.msg}`
}

export interface Element {
  name: string
  attrs: Record<string, string>
  children: Element[]
  text: string
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> }

/** Parses XML into an ordered element tree (comments dropped, attribute values as written). */
export function parseXml(xml: string): Element {
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, trimValues: true })
  const convert = (node: Ordered): Element | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@')
    if (!name || name === '#text' || name === '?xml') return undefined
    const kids = (node[name] as Ordered[]) ?? []
    const children = kids.map(convert).filter((c): c is Element => c !== undefined)
    const text = kids.map((k) => (typeof k['#text'] === 'string' ? k['#text'] : '')).join('')
    return { name, attrs: node[':@'] ?? {}, children, text }
  }
  const roots = (parser.parse(xml) as Ordered[]).map(convert).filter((c): c is Element => c !== undefined)
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`)
  return roots[0]!
}

/** Descendants (depth first, document order) with this element name. */
export function findAll(root: Element, name: string): Element[] {
  const found: Element[] = []
  const walk = (e: Element): void => {
    for (const c of e.children) {
      if (c.name === name) found.push(c)
      walk(c)
    }
  }
  walk(root)
  return found
}

export function child(e: Element, name: string, attr?: [string, string]): Element | undefined {
  return e.children.find((c) => c.name === name && (!attr || c.attrs[attr[0]] === attr[1]))
}

/** The <param name=... value=...> children of an element, as a map. */
export function params(e: Element | undefined): Map<string, string> {
  const m = new Map<string, string>()
  for (const c of e?.children ?? []) if (c.name === 'param' && c.attrs.name !== undefined) m.set(c.attrs.name, c.attrs.value ?? '')
  return m
}

/** A <configuration name="..."> of the assembled document. */
export function configuration(doc: Element, name: string): Element {
  const section = child(doc, 'section', ['name', 'configuration'])
  const conf = section && child(section, 'configuration', ['name', name])
  if (!conf) throw new Error(`no configuration ${name}`)
  return conf
}

/** FreeSWITCH's dialplan regular expressions are PCRE; the ones we write are also valid JavaScript. */
export function pcre(expression: string): RegExp {
  return new RegExp(expression)
}

export interface Action {
  application: string
  data: string
}

/** The extensions of a dialplan context: each one's condition and actions. */
export function extensions(doc: Element, context: string): Array<{ name: string; expression: string; field: string; actions: Action[] }> {
  const section = child(doc, 'section', ['name', 'dialplan'])!
  const ctx = findAll(section, 'context').find((c) => c.attrs.name === context)
  if (!ctx) throw new Error(`no context ${context}`)
  return ctx.children
    .filter((e) => e.name === 'extension')
    .map((e) => {
      const cond = child(e, 'condition')!
      return {
        name: e.attrs.name!,
        field: cond.attrs.field!,
        expression: cond.attrs.expression!,
        actions: cond.children.filter((a) => a.name === 'action').map((a) => ({ application: a.attrs.application!, data: a.attrs.data ?? '' })),
      }
    })
}

/** The format of a PCM WAV file, from its "fmt " chunk. */
export function wavFormat(file: string): { rate: number; channels: number; bits: number } {
  const b = fs.readFileSync(file)
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`)
  for (let off = 12; off + 8 <= b.length; ) {
    const id = b.toString('ascii', off, off + 4)
    const size = b.readUInt32LE(off + 4)
    if (id === 'fmt ') return { channels: b.readUInt16LE(off + 10), rate: b.readUInt32LE(off + 12), bits: b.readUInt16LE(off + 22) }
    off += 8 + size + (size % 2)
  }
  throw new Error(`${file}: no fmt chunk`)
}
