/** How FreeSWITCH reads channel variables (switch_utils.h). */

/** switch_true: yes, on, true, t, enabled, active, allow, or a non-zero number. */
export function switchTrue(value: string | undefined): boolean {
  if (value === undefined) return false
  const v = value.toLowerCase()
  if (['yes', 'on', 'true', 't', 'enabled', 'active', 'allow'].includes(v)) return true
  return /^-?\d+$/.test(v) && Number(v) !== 0
}
