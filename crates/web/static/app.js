// Progressive enhancement only: every page works without this file.
import { initAll } from './nhsuk-frontend-10.6.1.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
