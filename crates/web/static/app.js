// Progressive enhancement only: every page works without this file.
import { initAll } from './nhsuk-frontend-10.6.1.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// Radios that reveal a field when chosen ("Earlier, at this date and time"). Our own, not
// the design system's module: that one puts aria-expanded on the radios, which a radio
// may not carry (axe: aria-allowed-attr), so screen readers are told something false.
for (const group of document.querySelectorAll('[data-boundary-reveal]')) {
  const radios = [...group.querySelectorAll('input[type=radio]')]
  const sync = () => {
    for (const r of radios) {
      const target = r.getAttribute('aria-controls') && document.getElementById(r.getAttribute('aria-controls'))
      if (target) target.classList.toggle('nhsuk-radios__conditional--hidden', !r.checked)
    }
  }
  for (const r of radios) r.addEventListener('change', sync)
  sync()
}

// Quick exit: leave for a neutral page at once, replacing this one in the history, and
// sign out in the background. Without JavaScript the button posts the form instead.
const NEUTRAL = 'https://www.bbc.co.uk/weather'
const exitButton = document.querySelector('[data-quick-exit]')

let leaving = false

function quickExit (event) {
  if (event) event.preventDefault()
  // Once: a second press while the page is going would abort the first navigation.
  if (leaving) return
  leaving = true
  // Half-typed drafts (see below) go with the session.
  try { sessionStorage.clear() } catch (_) { /* nothing kept */ }
  const form = exitButton && exitButton.form
  // URL-encoded, as the form itself posts: a FormData body would go as multipart, which
  // the server does not take, and the session would live on.
  if (form) navigator.sendBeacon(form.action, new URLSearchParams(new FormData(form)))
  window.location.replace(NEUTRAL)
}

// A page kept in the back-forward cache would come back on Back without asking the
// server; asking it instead finds the session over.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload()
})

// Shift pressed three times on its own, within a second and a half. A Shift held for a
// capital letter or Shift+Tab has another key pressed with it, and a held Shift repeats
// without being let go: neither counts, so typing never leaves the page.
if (exitButton) {
  exitButton.addEventListener('click', quickExit)
  let presses = []
  let alone = false
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Shift') {
      if (!event.repeat) alone = true
      return
    }
    alone = false
    presses = []
  })
  document.addEventListener('keyup', (event) => {
    if (event.key !== 'Shift' || !alone) return
    alone = false
    const now = Date.now()
    presses = presses.filter((t) => now - t < 1500)
    presses.push(now)
    if (presses.length >= 3) quickExit()
  })
}

// A page that is still working (an export being made) looks again every two seconds and
// puts the fresh state in its status region, which announces it. Not a meta refresh:
// that reloads the whole page under someone still reading it (WCAG 2.2.1), and without
// script the page has its own "Look again now" link.
const POLLING = 'working'
// Long enough for the largest pack; a page left open longer stops asking (and stops
// keeping its session alive).
const MOST_LOOKS = 900
for (const region of document.querySelectorAll('[data-boundary-poll]')) {
  let looks = 0
  const again = async () => {
    looks++
    try {
      const res = await fetch(window.location.href, { credentials: 'same-origin', redirect: 'manual' })
      // Gone, signed out (a redirect to sign in) or refused: stop, and let the link do.
      if (!res.ok || res.type === 'opaqueredirect') return
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html')
        .querySelector('[data-boundary-poll]')
      if (!fresh) return
      // Only a change is put in place, so the live region speaks only when there is news.
      if (fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML
      region.dataset.boundaryPoll = fresh.dataset.boundaryPoll
    } catch (_) {
      // The next look may find the network back.
    }
    if (region.dataset.boundaryPoll === POLLING && looks < MOST_LOOKS) setTimeout(again, 2000)
  }
  if (region.dataset.boundaryPoll === POLLING) setTimeout(again, 2000)
}

// What was typed into a long form (the log form) is kept in this tab's session storage as
// it is typed, so that a session that timed out, or a lost connection, does not lose it:
// after signing in again the form fills itself back in and says so. Files cannot be kept.
// The key names the person and the case, so no one else who signs in in this tab is
// offered it; it is dropped once the entry is logged, on sign-out, on Quick exit, and
// after twelve hours. "Just now" is never put back as it was: by then it is not now, so
// it comes back as "Earlier today" at the time it was typed, or unanswered on a later day.
const DRAFT = 'boundary-draft:'
const DRAFT_HOURS = 12
const londonDay = (t) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(t)
const londonTime = (t) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t)
for (const form of document.querySelectorAll('form[data-boundary-draft]')) {
  const key = DRAFT + form.dataset.boundaryDraft
  const fields = () => [...form.elements].filter((el) => el.name && el.name !== 'csrf' && el.type !== 'file' && el.type !== 'hidden')
  const save = () => {
    const kept = { savedAt: Date.now(), values: {} }
    for (const el of fields()) {
      if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) kept.values[el.name + '=' + el.value] = true } else if (el.value) kept.values[el.name] = el.value
    }
    try { sessionStorage.setItem(key, JSON.stringify(kept)) } catch (_) { /* storage full or off: nothing to keep */ }
  }
  let kept = null
  try { kept = JSON.parse(sessionStorage.getItem(key) || 'null') } catch (_) { kept = null }
  if (kept && (!kept.values || Date.now() - kept.savedAt > DRAFT_HOURS * 3600 * 1000)) {
    sessionStorage.removeItem(key)
    kept = null
  }
  // Only into an empty form: one the server sent back with what was typed already has it.
  const empty = fields().every((el) => (el.type === 'radio' || el.type === 'checkbox') ? !el.checked : !el.value)
  if (kept && empty && Object.keys(kept.values).length) {
    const values = { ...kept.values }
    if (values['when=now']) {
      delete values['when=now']
      if (londonDay(new Date(kept.savedAt)) === londonDay(new Date())) {
        values['when=today'] = true
        values.occurred_time = londonTime(new Date(kept.savedAt))
      }
    }
    for (const el of fields()) {
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = Boolean(values[el.name + '=' + el.value])
      else if (values[el.name] !== undefined) el.value = values[el.name]
      if (el.checked) el.dispatchEvent(new Event('change'))
      // Something put back under a folded part: unfold it, so nothing is sent unseen.
      const folded = el.closest('details')
      if (folded && (el.checked || (el.type !== 'radio' && el.type !== 'checkbox' && el.value))) folded.open = true
    }
    const note = form.querySelector('.boundary-draft-note')
    if (note) note.hidden = false
  }
  form.addEventListener('input', save)
  form.addEventListener('change', save)
}
// The page after a contact is logged names the draft it settles.
for (const done of document.querySelectorAll('[data-boundary-draft-done]')) {
  sessionStorage.removeItem(DRAFT + done.dataset.boundaryDraftDone)
}
const forgetDrafts = () => {
  for (const k of Object.keys(sessionStorage)) if (k.startsWith(DRAFT)) sessionStorage.removeItem(k)
}
for (const f of document.querySelectorAll('form[action="/sign-out"]')) f.addEventListener('submit', forgetDrafts)
if (document.querySelector('[data-boundary-signed-out]')) forgetDrafts()
