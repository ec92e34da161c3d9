// Progressive enhancement only: every page works without this file.
import { initAll } from './nhsuk-frontend-10.6.1.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// Quick exit: leave for a neutral page at once, replacing this one in the history, and
// sign out in the background. Without JavaScript the button posts the form instead.
const NEUTRAL = 'https://www.bbc.co.uk/weather'
const exitButton = document.querySelector('[data-quick-exit]')

function quickExit (event) {
  if (event) event.preventDefault()
  const form = exitButton && exitButton.form
  if (form) navigator.sendBeacon(form.action, new FormData(form))
  window.location.replace(NEUTRAL)
}

if (exitButton) {
  exitButton.addEventListener('click', quickExit)
  let presses = []
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Shift') return
    const now = Date.now()
    presses = presses.filter((t) => now - t < 1000)
    presses.push(now)
    if (presses.length >= 3) quickExit()
  })
}
