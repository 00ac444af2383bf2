/* global window, document, navigator, localStorage, requestAnimationFrame, cancelAnimationFrame, setTimeout */
// The microphone and speaker check beside the softphone: the microphone's level on a meter
// (an AnalyserNode on the microphone), the speakers chosen where the browser can (setSinkId;
// the call plays there too) and a short test tone played through them.
;(function () {
  'use strict'
  const OUTPUT_KEY = 'cc.audioOutput'

  /** Builds the check into `box`; `phone` is window.ccSoftphone (its constraints and its audio element). */
  function mount(box, phone) {
    const { el, t } = window.cc
    const canChoose = typeof window.HTMLMediaElement.prototype.setSinkId === 'function'
    const meter = el('meter', { min: 0, max: 1, low: 0.05, high: 0.9, optimum: 0.5, value: 0, 'data-testid': 'mic-level' })
    const level = el('small', { class: 'muted', 'data-testid': 'mic-db' })
    const outputs = el('select', { 'data-testid': 'audio-output', 'aria-label': t('softphone.output') }, el('option', { value: '', text: t('softphone.defaultOutput') }))
    const message = el('p', { class: 'error', role: 'alert' })
    const start = el('button', { type: 'button', class: 'secondary', 'data-action': 'check', text: t('softphone.check') })
    const tone = el('button', { type: 'button', class: 'secondary', 'data-action': 'tone', text: t('softphone.playTone') })
    const stop = el('button', { type: 'button', class: 'secondary', 'data-action': 'check-stop', text: t('softphone.checkStop') })
    const panel = el(
      'div',
      { class: 'audio-check', hidden: true },
      el('label', { class: 'inline' }, t('softphone.micLevel'), ' ', meter, ' ', level),
      canChoose ? el('label', { class: 'inline' }, t('softphone.output'), ' ', outputs) : el('p', { class: 'muted small', text: t('softphone.oneOutputOnly') }),
      el('div', { class: 'actions' }, tone, stop),
    )
    box.append(start, panel, message)

    let stream = null
    let ctx = null
    let frame = 0
    const chosen = () => {
      try {
        return localStorage.getItem(OUTPUT_KEY) || ''
      } catch {
        return ''
      }
    }
    // The call plays through the chosen speakers from the start.
    if (canChoose && chosen()) phone.setSinkId(chosen()).catch(() => undefined)

    async function listOutputs() {
      const devices = await navigator.mediaDevices.enumerateDevices()
      outputs.replaceChildren(el('option', { value: '', text: t('softphone.defaultOutput') }), ...devices.filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default').map((d) => el('option', { value: d.deviceId, text: d.label || d.deviceId.slice(0, 8) })))
      outputs.value = chosen()
      if (outputs.value !== chosen()) outputs.value = ''
    }

    outputs.addEventListener('change', async () => {
      message.textContent = ''
      try {
        localStorage.setItem(OUTPUT_KEY, outputs.value)
        await phone.setSinkId(outputs.value)
      } catch (err) {
        message.textContent = err.message
      }
    })

    start.addEventListener('click', async () => {
      message.textContent = ''
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: phone.audioConstraints(), video: false })
      } catch (err) {
        message.textContent = t('softphone.micProblem', { reason: err.message || err.name })
        return
      }
      ctx = new window.AudioContext()
      const analyser = ctx.createAnalyser()
      analyser.fftSize = 2048
      ctx.createMediaStreamSource(stream).connect(analyser)
      const samples = new Float32Array(analyser.fftSize)
      // The level: RMS of the last frame in dBFS, shown from -60 dB (silence) to 0 dB (full).
      const draw = () => {
        analyser.getFloatTimeDomainData(samples)
        let sum = 0
        for (const s of samples) sum += s * s
        const db = 10 * Math.log10(sum / samples.length || 1e-12)
        meter.value = Math.max(0, Math.min(1, (db + 60) / 60))
        level.textContent = (db < -99 ? '−∞' : Math.round(db)) + ' dB'
        frame = requestAnimationFrame(draw)
      }
      draw()
      if (canChoose) await listOutputs().catch(() => undefined)
      start.hidden = true
      panel.hidden = false
    })

    tone.addEventListener('click', async () => {
      message.textContent = ''
      // 440 Hz for a second, faded in and out, through the speakers chosen.
      const toneCtx = new window.AudioContext()
      const osc = toneCtx.createOscillator()
      const gain = toneCtx.createGain()
      const out = toneCtx.createMediaStreamDestination()
      osc.frequency.value = 440
      gain.gain.setValueAtTime(0, toneCtx.currentTime)
      gain.gain.linearRampToValueAtTime(0.3, toneCtx.currentTime + 0.05)
      gain.gain.setValueAtTime(0.3, toneCtx.currentTime + 0.95)
      gain.gain.linearRampToValueAtTime(0, toneCtx.currentTime + 1)
      osc.connect(gain).connect(out)
      const player = document.createElement('audio')
      player.srcObject = out.stream
      try {
        if (canChoose && outputs.value) await player.setSinkId(outputs.value)
        await player.play()
        osc.start()
        osc.stop(toneCtx.currentTime + 1)
        setTimeout(() => {
          player.srcObject = null
          toneCtx.close().catch(() => undefined)
        }, 1200)
      } catch (err) {
        message.textContent = err.message
        toneCtx.close().catch(() => undefined)
      }
    })

    stop.addEventListener('click', () => {
      cancelAnimationFrame(frame)
      if (stream) for (const track of stream.getTracks()) track.stop()
      if (ctx) ctx.close().catch(() => undefined)
      stream = null
      ctx = null
      meter.value = 0
      level.textContent = ''
      panel.hidden = true
      start.hidden = false
    })
  }

  window.ccAudioCheck = { mount }
})()
