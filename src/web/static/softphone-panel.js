/* global window, setInterval */
// The softphone's panel (operator console, supervisor's wallboard): registration and line
// badges, Answer / Reject while a call rings, then the call's timer, Hang up, Mute, the DTMF
// keypad and, on the console, Hold and Transfer of the customer's call, and the microphone and
// speaker check. The phone itself is window.ccSoftphone (softphone.js).
//
// Hold, hang-up and transfer act on the customer's call through the app (ROUTES below): an
// always-connected line stays up when the customer goes. With no customer call known to the app (the desk says none), Hang
// up ends the SIP session itself (a plain ringing-mode call, a supervisor's monitoring call,
// or the always-connected line when the operator closes it: the app then pauses them).
;(function () {
  'use strict'
  const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']
  // JsSIP's causes of a call ended by a fault here rather than by someone hanging up.
  const FAILURES = new Set(['User Denied Media Access', 'WebRTC Error', 'Incompatible SDP', 'Bad Media Description', 'RTP Timeout', 'Internal Error', 'Connection Error', 'No ACK'])
  // The app's routes on the operator's current customer call (src/http/operator-calls.ts); errors come as { error, message }.
  const ROUTES = {
    hold: '/operator/hold', // { hold: boolean }
    hangup: '/operator/hangup', // {}
    transfer: '/operator/transfer', // { to: { kind: 'queue' | 'agent' | 'number', value }, mode: 'blind' | 'attended' }
    complete: '/operator/transfer/complete', // {}
    cancel: '/operator/transfer/cancel', // {}
  }

  /**
   * Builds the panel into `box` and starts the phone. `customerControls`: Hold and Transfer
   * (the console). Returns { desk(d) }: the console passes each live `desk` event (its call
   * is the customer's, its `since` the timer's start).
   */
  function mount(box, { customerControls }) {
    const { el, t, label, api, duration } = window.cc
    const phone = window.ccSoftphone
    let customer = null // the desk's call: { uuid, state, since (local ms) }
    let held = false
    let consulting = false

    const badge = el('span', { class: 'state', 'data-testid': 'sip-state' })
    const line = el('span', { class: 'sip-line', 'data-testid': 'sip-line' })
    const timer = el('span', { class: 'sip-timer', 'data-testid': 'sip-timer' })
    const message = el('p', { class: 'error', role: 'alert', 'data-testid': 'sip-error' })
    const note = el('p', { class: 'muted small', 'data-testid': 'sip-note' })
    const button = (action, text, onclick, secondary) => el('button', { type: 'button', class: secondary ? 'secondary' : null, 'data-action': action, text, onclick })

    const caller = el('p', { class: 'call-state ringing', 'data-testid': 'sip-caller' })
    const ringing = el('div', { hidden: true }, caller, el('div', { class: 'actions' }, button('answer', t('softphone.answer'), () => phone.answer()), button('reject', t('softphone.reject'), () => phone.reject(), true)))

    const hangup = button('hangup', t('softphone.hangup'), () => hangUp())
    const hold = button('hold', t('softphone.hold'), () => act(ROUTES.hold, { hold: !held }, (r) => (held = r && typeof r.hold === 'boolean' ? r.hold : !held)), true)
    const mute = button('mute', t('softphone.mute'), () => phone.mute(!phone.muted), true)
    const keypad = el('div', { class: 'keypad', hidden: true, 'data-testid': 'keypad' }, DIGITS.map((d) => el('button', { type: 'button', class: 'secondary', 'data-dtmf': d, text: d, onclick: () => phone.dtmf(d) })))
    const keys = button('keypad', t('softphone.keypad'), () => (keypad.hidden = !keypad.hidden), true)
    const controls = el('div', { hidden: true }, el('div', { class: 'actions' }, hangup, hold, mute, keys), keypad)

    // Transfer: to a queue, an agent or a number, at once (blind) or after talking to them (attended).
    const kind = el('select', { name: 'kind', 'aria-label': t('softphone.transferTo') }, ['queue', 'agent', 'number'].map((k) => el('option', { value: k, text: label('softphone.kind', k) })))
    const target = el('input', { name: 'to', required: true, maxlength: 64, size: 14, placeholder: t('softphone.transferValue'), 'aria-label': t('softphone.transferValue') })
    const mode = el('select', { name: 'mode' }, ['blind', 'attended'].map((m) => el('option', { value: m, text: label('softphone.mode', m) })))
    const transferForm = el('form', { class: 'inline-form', 'data-testid': 'transfer' }, el('label', { class: 'inline' }, t('softphone.transferTo'), ' ', kind), target, mode, el('button', { type: 'submit', class: 'secondary', text: t('softphone.transfer') }))
    transferForm.addEventListener('submit', (e) => {
      e.preventDefault()
      const attended = mode.value === 'attended'
      act(ROUTES.transfer, { to: { kind: kind.value, value: target.value.trim() }, mode: mode.value }, () => {
        consulting = attended
        if (!attended) target.value = ''
      })
    })
    const attended = el(
      'div',
      { hidden: true, 'data-testid': 'attended' },
      el('p', { class: 'muted', text: t('softphone.consulting') }),
      el(
        'div',
        { class: 'actions' },
        button('transfer-complete', t('softphone.complete'), () => act(ROUTES.complete, {}, () => (consulting = false))),
        button('transfer-cancel', t('softphone.cancelTransfer'), () => act(ROUTES.cancel, {}, () => (consulting = false)), true),
      ),
    )
    const transfer = el('div', { hidden: true }, transferForm, attended)

    const check = el('div', { class: 'audio-check-box' })
    box.append(el('p', { class: 'state-line' }, badge, ' ', line, ' ', timer), note, ringing, controls, transfer, message, check)
    if (window.ccAudioCheck) window.ccAudioCheck.mount(check, phone)

    /** A request on the customer's call; the API's message when it is refused. */
    async function act(url, body, then) {
      message.textContent = ''
      try {
        const r = await api('POST', url, body)
        if (then) then(r)
      } catch (err) {
        message.textContent = err.message
      }
      render()
    }

    function hangUp() {
      if (customer && customer.state === 'connected') return act(ROUTES.hangup, {})
      message.textContent = ''
      phone.reject()
    }

    function render() {
      badge.textContent = label('softphone.state', phone.state) + (phone.reason && phone.state !== 'no-account' ? ': ' + phone.reason : '')
      badge.className = 'state sip-' + phone.state
      badge.dataset.state = phone.state
      // 'dropped' is the operator's line: a supervisor's monitoring call that ends is just over.
      const lineState = !customerControls && phone.line === 'dropped' ? 'idle' : phone.line
      line.textContent = phone.state === 'no-account' || phone.state === 'off' ? '' : label('softphone.line', lineState)
      line.dataset.line = phone.line
      line.className = 'sip-line ' + phone.line
      note.textContent = phone.state === 'no-account' ? t('softphone.noAccount') + (phone.reason ? ' (' + phone.reason + ')' : '') : phone.supported ? '' : t('softphone.unsupported')
      note.hidden = !note.textContent
      ringing.hidden = phone.line !== 'ringing'
      caller.textContent = t('softphone.callFrom', { from: phone.caller || '?' })
      const up = phone.line === 'in-call' || phone.line === 'open'
      // A supervisor's call that answered itself: the switch put them on an agent's call.
      if (!customerControls && up && phone.autoAnswered) line.textContent = t('softphone.monitoring', { from: phone.caller || '?' })
      const onCustomer = Boolean(customer && customer.state === 'connected')
      controls.hidden = !up && !onCustomer
      hangup.textContent = phone.line === 'open' && !onCustomer ? t('softphone.closeLine') : t('softphone.hangup')
      hold.hidden = !customerControls || !onCustomer
      hold.textContent = held ? t('softphone.resume') : t('softphone.hold')
      mute.hidden = !up
      mute.textContent = phone.muted ? t('softphone.unmute') : t('softphone.mute')
      keys.hidden = !up
      if (!up) keypad.hidden = true
      transfer.hidden = !customerControls || !onCustomer
      transferForm.hidden = consulting
      attended.hidden = !consulting
      // The customer's call when the app knows one, else the SIP session's own.
      const since = onCustomer ? customer.since : phone.since
      timer.textContent = since ? duration(Date.now() - since) : ''
    }

    phone.events.addEventListener('change', render)
    // A call that failed on this side (no microphone, media that would not connect) says why.
    phone.events.addEventListener('ended', (e) => {
      if (FAILURES.has(e.detail.cause)) message.textContent = t('softphone.callFailed', { cause: e.detail.cause })
    })
    setInterval(render, 1000)
    render()
    phone.start().then(render, (err) => (message.textContent = err.message))

    return {
      desk(d) {
        const c = d && d.call
        const next = c && c.state !== 'held' ? { uuid: c.uuid, state: c.state, since: c.since + (Date.now() - d.at) } : null
        // Another call (or none): its hold and transfer start afresh.
        if (!next || !customer || next.uuid !== customer.uuid) {
          held = false
          consulting = false
        }
        customer = next
        render()
      },
    }
  }

  window.ccSoftphonePanel = { mount }
})()
