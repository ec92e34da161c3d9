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
