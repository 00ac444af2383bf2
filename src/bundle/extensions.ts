/**
 * The extensions our own switch gets in context "default", on top of the bundle's 5000-5007:
 * our app's numbers (handed to the app under test, on its own port), people who answer,
 * are busy, never answer or answer late (agents' endpoints: loopback/<kind>-<agent>/default),
 * and campaign contacts of every kind (E.164 numbers the dialer reaches through
 * GATEWAY_TEMPLATE=loopback/{number}/default).
 */

/** Where a caller goes when the app did not keep the call: a tone the tests can see played. */
export const FALLBACK_TONE = 'tone_stream://%(500,500,440);loops=30'

/** What a contact number does, by its kind digit: +3876190 <kind> <4-digit index>. */
export const CONTACT = {
  /** Answers and stays on the line until hung up. */
  person: 1,
  /** An answering machine: greeting (flite), 1 s 1 kHz beep, records 20 s, hangs up. */
  machine: 2,
  /** Rings and never answers. */
  noAnswer: 3,
  /** Busy. */
  busy: 4,
  /** Answers, presses 5 after 1.5 s, stays. */
  pressesFive: 5,
  /** Answers, talks 6 s, hangs up. */
  talksSixSeconds: 6,
  /** Rings 8 s, then answers and stays. */
  lateAnswer: 7,
} as const

export type ContactKind = keyof typeof CONTACT

/** The contact number of a kind (index 0-9999 tells contacts of one kind apart). */
export function contactNumber(kind: ContactKind, index = 0): string {
  return `+3876190${CONTACT[kind]}${String(index).padStart(4, '0')}`
}

/** People an agent's endpoint reaches: `loopback/<kind>-<id>/default`. */
export type PersonKind = 'answers' | 'busy' | 'noanswer' | 'late' | 'talks'

export function personEndpoint(kind: PersonKind, id: string): string {
  return `loopback/${kind}-${id}/default`
}

function extension(name: string, pattern: string, actions: Array<[string, string?]>): string {
  const body = actions.map(([app, data]) => (data === undefined ? `      <action application="${app}"/>` : `      <action application="${app}" data="${data}"/>`)).join('\n')
  return `  <extension name="${name}">\n    <condition field="destination_number" expression="${pattern}">\n${body}\n    </condition>\n  </extension>`
}

/** An answering machine: greeting, beep, then it records for up to 20 s. */
const MACHINE: Array<[string, string?]> = [
  ['answer'],
  ['speak', 'flite|kal|Hello, you have reached the answering machine of the test family. Please leave a message'],
  ['playback', 'tone_stream://%(1000,0,1000)'],
  ['sleep', '20000'],
  ['hangup'],
]

/** The extensions for an app listening on `appPort` (its ESL_LISTEN_PORT). */
export function testExtensions(appPort: number): string {
  return [
    // Our numbers: the app takes the call; when it does not keep it, the fallback tone plays.
    extension('opencc-app', '^(5000|\\+38733200200)$', [
      ['socket', `127.0.0.1:${appPort} async full`],
      ['log', 'WARNING opencc-test: the app did not keep the call'],
      ['answer'],
      ['playback', FALLBACK_TONE],
      ['hangup'],
    ]),
    // People, by what they do; the rest of the number names who they are.
    extension('person-answers', '^answers-(.+)$', [['answer'], ['park']]),
    extension('person-busy', '^busy-(.+)$', [['hangup', 'USER_BUSY']]),
    extension('person-noanswer', '^noanswer-(.+)$', [['ring_ready'], ['sleep', '600000']]),
    extension('person-late', '^late-(.+)$', [['ring_ready'], ['sleep', '8000'], ['answer'], ['park']]),
    extension('person-talks', '^talks-(.+)$', [['answer'], ['sleep', '6000'], ['hangup']]),
    // Campaign contacts.
    extension('contact-person', `^\\+3876190${CONTACT.person}\\d{4}$`, [['answer'], ['park']]),
    extension('contact-machine', `^\\+3876190${CONTACT.machine}\\d{4}$`, MACHINE),
    extension('contact-noanswer', `^\\+3876190${CONTACT.noAnswer}\\d{4}$`, [['ring_ready'], ['sleep', '600000']]),
    extension('contact-busy', `^\\+3876190${CONTACT.busy}\\d{4}$`, [['hangup', 'USER_BUSY']]),
    extension('contact-presses-five', `^\\+3876190${CONTACT.pressesFive}\\d{4}$`, [['answer'], ['sleep', '1500'], ['send_dtmf', '5'], ['park']]),
    extension('contact-talks', `^\\+3876190${CONTACT.talksSixSeconds}\\d{4}$`, [['answer'], ['sleep', '6000'], ['hangup']]),
    extension('contact-late', `^\\+3876190${CONTACT.lateAnswer}\\d{4}$`, [['ring_ready'], ['sleep', '8000'], ['answer'], ['park']]),
  ].join('\n')
}
