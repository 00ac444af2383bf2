/**
 * Seeded randomness for the campaign simulation. Each attempt draws from its own generator,
 * seeded by (seed, contact, attempt number): the same contact's same attempt answers the
 * same way, rings as long and talks as long whichever pacing dials it, so modes compared
 * on one seed face the same people (common random numbers).
 */

/** A 32-bit hash of a few integers (murmur3's finaliser over a running mix). */
export function hash32(...xs: number[]): number {
  let h = 0x9e3779b9
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b)
    h = (h << 13) | (h >>> 19)
    h = Math.imul(h, 5) + 0xe6546b64
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** mulberry32: small, fast, good enough for simulation. Returns numbers in [0, 1). */
export function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal draw (Box-Muller). */
export function normal(rnd: () => number): number {
  const u = Math.max(1e-12, rnd())
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd())
}

/** A log-normal draw with the given mean and coefficient of variation (cv 0: the mean). */
export function lognormal(rnd: () => number, mean: number, cv: number): number {
  if (cv <= 0) return mean
  const s2 = Math.log(1 + cv * cv)
  return Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * normal(rnd))
}

export function uniform(rnd: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rnd()
}
