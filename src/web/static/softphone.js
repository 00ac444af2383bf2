/* global window, document, localStorage, navigator, CustomEvent, EventTarget, performance, setTimeout, clearTimeout */
// The softphone: a SIP user agent (JsSIP, window.JsSIP from /web/vendor/jssip.min.js) over
// WebSocket to FreeSWITCH, registered with the account the app manages for the user
// (GET /operator/softphone: an HA1 digest, never a password). It answers calls marked
// `X-OpenCC-Auto-Answer: true` at once (an always-connected operator's line, a supervisor's
// monitoring call; `X-OpenCC-Purpose: line | monitor` tells which) and rings for the others.
// Hold, hang-up and transfer of the customer's call go through the app (the operator's line
// stays up when the customer goes); the panel (softphone-panel.js) calls those.
//
// Hooks the real-switch browser tests use:
//   ccSoftphone.state      'off' | 'connecting' | 'registered' | 'unregistered' | 'failed' | 'reconnecting' | 'no-account'
//   ccSoftphone.reason     why it is failed / unregistered / reconnecting / has no account (text), else null
//   ccSoftphone.line       'idle' | 'ringing' | 'in-call' | 'open' (always-connected line up) | 'dropped' (it went: paused)
//   ccSoftphone.session    the current JsSIP RTCSession, or null
//   ccSoftphone.events     EventTarget: 'registration' {state, reason}, 'incoming' {session, autoAnswer, from},
//                          'session' {session, autoAnswered} once media is up, 'ended' {session, cause, originator},
//                          'change' (anything the panel shows: line, mute, ...)
//   ccSoftphone.measure(ms, [hz, ...]) → Promise<{ peakHz, levels: { '<hz>': dBFS } }>: the remote audio over
//                          ms through an AnalyserNode (fftSize 8192): the dominant frequency and the level at each
//   ccSoftphone.start() → Promise<state>, ccSoftphone.stop()
;(function () {
  'use strict'

  const AUTO_ANSWER = 'X-OpenCC-Auto-Answer'
  // What an auto-answered call is: 'line' (the operator's open line) or 'monitor' (a supervisor listening in).
  const PURPOSE = 'X-OpenCC-Purpose'
  const events = new EventTarget()
  const emit = (name, detail) => events.dispatchEvent(new CustomEvent(name, { detail }))

  let ua = null
  let account = null
  let autoAnswered = false
  /** The current session is the operator's open line (not a call on it, not a monitoring call). */
  let isLine = false
  let remoteStream = null
  let ring = null

  // The remote party's audio: played by an element of its own, on every page the phone is on.
  const audio = document.createElement('audio')
  audio.autoplay = true
  audio.id = 'softphone-audio'
  audio.hidden = true
  document.body.append(audio)

  const phone = {
    state: 'off',
    reason: null,
    line: 'idle',
    session: null,
    muted: false,
    /** The credentials' public part: { sipUser, domain, displayName, lineMode, wsUrl }. */
    account: null,
    /** The caller's name or number while a call rings. */
    caller: null,
    /** Whether the current session was answered by itself (X-OpenCC-Auto-Answer). */
    autoAnswered: false,
    /** When the current session's media came up (Date.now()), else null. */
    since: null,
    events,
    audio,
    start,
    stop,
    answer,
    reject,
    mute,
    dtmf,
    measure,
    audioConstraints,
    setSinkId,
  }

  function setState(state, reason) {
    if (phone.state === state && phone.reason === (reason || null)) return
    phone.state = state
    phone.reason = reason || null
    emit('registration', { state, reason: phone.reason })
    emit('change', {})
  }

  function setLine(line) {
    phone.line = line
    emit('change', {})
  }

  /** Browser defaults, or none of the processing when localStorage 'cc.rawAudio' is '1' (tone tests). */
  function audioConstraints() {
    let raw = false
    try {
      raw = localStorage.getItem('cc.rawAudio') === '1'
    } catch {
      raw = false
    }
    return raw ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false } : true
  }

  /** Asks for the account and registers; resolves with the state once it is known to be starting. */
  async function start() {
    if (ua) return phone.state
    if (!window.JsSIP) {
      setState('failed', 'JsSIP is not loaded (/web/vendor/jssip.min.js)')
      return phone.state
    }
    let creds
    try {
      creds = await window.cc.api('GET', '/operator/softphone')
    } catch (err) {
      // 403 no-agent, 404 no-sip-account: the user has no phone here; say why.
      if (err.status === 403 || err.status === 404) setState('no-account', err.message)
      else setState('failed', err.message)
      return phone.state
    }
    account = creds
    phone.account = { sipUser: creds.sipUser, domain: creds.domain, displayName: creds.displayName, lineMode: creds.lineMode, wsUrl: creds.wsUrl }
    window.JsSIP.debug.disable('JsSIP:*')
    try {
      ua = new window.JsSIP.UA({
        sockets: [new window.JsSIP.WebSocketInterface(creds.wsUrl)],
        uri: 'sip:' + creds.sipUser + '@' + creds.domain,
        authorization_user: creds.sipUser,
        ha1: creds.ha1,
        realm: creds.realm,
        display_name: creds.displayName || undefined,
        register: true,
        session_timers: false,
        // Back by itself after a network drop (re-registering), retrying every 1..10 s.
        connection_recovery_min_interval: 1,
        connection_recovery_max_interval: 10,
        user_agent: 'opencc softphone',
      })
    } catch (err) {
      ua = null
      setState('failed', err.message)
      return phone.state
    }
    // Events of an agent stopped since (stop() then start()) are not this one's.
    const mine = ua
    const on = (name, handle) => mine.on(name, (e) => ua === mine && handle(e))
    on('connecting', () => {
      if (phone.state !== 'reconnecting') setState('connecting')
    })
    on('disconnected', (e) => setState('reconnecting', (e && e.reason) || (e && e.error ? 'WebSocket error' : null)))
    on('registered', () => setState('registered'))
    on('unregistered', (e) => {
      // A drop of the socket unregisters too: it says reconnecting until the socket is back.
      if (phone.state !== 'reconnecting') setState('unregistered', e && e.cause)
    })
    on('registrationFailed', (e) => setState('failed', (e && e.cause) + (e && e.response ? ' (' + e.response.status_code + ' ' + e.response.reason_phrase + ')' : '')))
    on('newRTCSession', onSession)
    setState('connecting')
    ua.start()
    return phone.state
  }

  function stop() {
    if (!ua) return
    stopRing()
    ua.stop()
    ua = null
    setState('off')
  }

  function onSession(e) {
    const session = e.session
    if (e.originator !== 'remote') return
    // One call at a time: a second one while on a call is busy.
    if (phone.session && !phone.session.isEnded()) {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' })
      return
    }
    const auto = String(e.request.getHeader(AUTO_ANSWER) || '').toLowerCase() === 'true'
    const purpose = String(e.request.getHeader(PURPOSE) || '').toLowerCase()
    isLine = auto && (purpose === 'line' || (purpose === '' && !!account && account.lineMode === 'always-connected'))
    const from = session.remote_identity
    phone.session = session
    phone.caller = (from && (from.display_name || (from.uri && from.uri.user))) || ''
    autoAnswered = auto
    phone.autoAnswered = auto
    phone.muted = false
    phone.since = null
    wire(session)
    emit('incoming', { session, autoAnswer: auto, from: phone.caller })
    if (auto) answer()
    else {
      setLine('ringing')
      startRing()
    }
  }

  function wire(session) {
    const attach = (pc) =>
      pc.addEventListener('track', (ev) => {
        if (ev.track.kind !== 'audio') return
        remoteStream = ev.streams && ev.streams[0] ? ev.streams[0] : new window.MediaStream([ev.track])
        audio.srcObject = remoteStream
        audio.play().catch(() => undefined)
      })
    if (session.connection) attach(session.connection)
    session.on('peerconnection', (ev) => attach(ev.peerconnection))
    session.on('confirmed', () => {
      stopRing()
      phone.since = Date.now()
      setLine(isLine ? 'open' : 'in-call')
      emit('session', { session, autoAnswered })
    })
    const over = (ev) => {
      stopRing()
      if (phone.session !== session) return
      const wasLine = phone.line === 'open'
      phone.session = null
      phone.caller = null
      phone.since = null
      phone.muted = false
      remoteStream = null
      audio.srcObject = null
      // The always-connected line went: the app pauses the agent (reason 'line-dropped').
      setLine(wasLine ? 'dropped' : 'idle')
      emit('ended', { session, cause: ev && ev.cause, originator: ev && ev.originator })
    }
    session.on('ended', over)
    session.on('failed', over)
    session.on('muted', () => {
      phone.muted = true
      emit('change', {})
    })
    session.on('unmuted', () => {
      phone.muted = false
      emit('change', {})
    })
  }

  function answer() {
    const s = phone.session
    if (!s || !s.isInProgress()) return
    stopRing()
    // Local network: host candidates are enough; a deployment may give ICE servers with the account.
    s.answer({ mediaConstraints: { audio: audioConstraints(), video: false }, pcConfig: { iceServers: (account && account.iceServers) || [] } })
  }

  function reject() {
    const s = phone.session
    if (!s || s.isEnded()) return
    stopRing()
    s.terminate(s.isEstablished() ? undefined : { status_code: 486, reason_phrase: 'Busy Here' })
  }

  function mute(on) {
    const s = phone.session
    if (!s || !s.isEstablished()) return
    if (on) s.mute({ audio: true })
    else s.unmute({ audio: true })
  }

  function dtmf(tone) {
    const s = phone.session
    if (!s || !s.isEstablished() || !/^[0-9*#A-D]$/.test(tone)) return
    s.sendDTMF(tone, { duration: 160, interToneGap: 80 })
  }

  /** Plays the call through an output device (Chrome's setSinkId); false where not supported. */
  async function setSinkId(deviceId) {
    if (typeof audio.setSinkId !== 'function') return false
    await audio.setSinkId(deviceId || '')
    return true
  }

  // The ring: 440 + 480 Hz, 2 s on, 4 s off (the North American ring), from WebAudio.
  let ringContext = null
  function startRing() {
    stopRing()
    try {
      ringContext = ringContext || new window.AudioContext()
      ringContext.resume().catch(() => undefined)
      const gain = ringContext.createGain()
      gain.gain.value = 0
      gain.connect(ringContext.destination)
      const oscillators = [440, 480].map((f) => {
        const o = ringContext.createOscillator()
        o.frequency.value = f
        o.connect(gain)
        o.start()
        return o
      })
      let on = false
      const step = () => {
        on = !on
        gain.gain.setTargetAtTime(on ? 0.1 : 0, ringContext.currentTime, 0.01)
        ring.timer = setTimeout(step, on ? 2000 : 4000)
      }
      ring = { gain, oscillators, timer: null }
      step()
    } catch {
      ring = null
    }
  }
  function stopRing() {
    if (!ring) return
    clearTimeout(ring.timer)
    for (const o of ring.oscillators) o.stop()
    ring.gain.disconnect()
    ring = null
  }

  /**
   * The remote audio over `ms`: power averaged over analyser frames (fftSize 8192, no
   * smoothing), the level in dBFS at each frequency asked (the strongest of its bin and the
   * two next to it) and the frequency of the strongest bin above 50 Hz.
   */
  async function measure(ms, frequencies) {
    if (!remoteStream) throw new Error('measure: no remote audio (no call is up)')
    const ctx = new window.AudioContext()
    try {
      await ctx.resume()
      const source = ctx.createMediaStreamSource(remoteStream)
      const analyser = ctx.createAnalyser()
      analyser.fftSize = 8192
      analyser.smoothingTimeConstant = 0
      analyser.minDecibels = -160
      source.connect(analyser)
      const bins = analyser.frequencyBinCount
      const frame = new Float32Array(bins)
      const power = new Float64Array(bins)
      let frames = 0
      const end = performance.now() + Math.max(200, Number(ms) || 0)
      await new Promise((resolve) => {
        const take = () => {
          analyser.getFloatFrequencyData(frame)
          for (let i = 0; i < bins; i++) power[i] += Number.isFinite(frame[i]) ? 10 ** (frame[i] / 10) : 0
          frames++
          if (performance.now() >= end) resolve()
          else setTimeout(take, 50)
        }
        setTimeout(take, 50)
      })
      source.disconnect()
      const binHz = ctx.sampleRate / analyser.fftSize
      const db = (i) => {
        const p = i >= 0 && i < bins ? power[i] / Math.max(1, frames) : 0
        return p > 0 ? Math.max(-200, 10 * Math.log10(p)) : -200
      }
      const levels = {}
      for (const f of frequencies || []) {
        const k = Math.round(Number(f) / binHz)
        levels[String(f)] = Math.max(db(k - 1), db(k), db(k + 1))
      }
      let best = Math.ceil(50 / binHz)
      for (let i = best; i < bins; i++) if (power[i] > power[best]) best = i
      // Between bins: the peak of the parabola through the strongest bin and its neighbours.
      const a = db(best - 1)
      const b = db(best)
      const c = db(best + 1)
      const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c)
      return { peakHz: (best + Math.max(-0.5, Math.min(0.5, shift))) * binHz, levels }
    } finally {
      ctx.close().catch(() => undefined)
    }
  }

  window.addEventListener('beforeunload', () => {
    if (ua) ua.stop()
  })

  // Not in a page without the media APIs (an old browser): the panel says so.
  phone.supported = Boolean(navigator.mediaDevices && window.RTCPeerConnection)
  window.ccSoftphone = phone
})()
