import type { AppImpl } from './types.js'

function split(arg: string): [string, string] {
  const eq = arg.indexOf('=')
  return eq < 0 ? [arg, ''] : [arg.slice(0, eq), arg.slice(eq + 1)]
}

/** set name=value (an empty value unsets). */
export const set: AppImpl = async (ch, arg) => {
  const [name, value] = split(arg)
  ch.setVar(name, value)
  return '_none_'
}

/** export name=value: on this channel and on every channel bridged from it later. */
export const exportVar: AppImpl = async (ch, arg) => {
  const [name, value] = split(arg)
  ch.setVar(name, value)
  const list = new Set((ch.getVar('export_vars') ?? '').split(',').filter(Boolean))
  list.add(name)
  ch.setVar('export_vars', Array.from(list).join(','))
  return '_none_'
}

export const unset: AppImpl = async (ch, arg) => {
  ch.setVar(arg, undefined)
  return '_none_'
}
