// The keyboard alone: a page whose locators act as a person without a mouse does. Each
// control is reached by pressing Tab from wherever the focus is — a control Tab never
// reaches fails the journey — then used with the keys a browser gives it: Enter for links,
// buttons and summaries, Space for checkboxes and file pickers, the arrow keys within a
// group of radios, typing for text; date and time pickers, once reached, are
// set as the picker would set them.
// Reading the page (textContent, inputValue, isChecked…) is left as it is.

const MAKES_LOCATORS = new Set(['getByLabel', 'getByRole', 'getByText', 'getByPlaceholder',
  'getByTitle', 'locator', 'first', 'last', 'nth', 'filter', 'and', 'or'])
const TABS = 400

// The element a key press goes to: the control itself, or the summary or link around the
// words that name it.
const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]'

async function reach (page, locator) {
  const handle = await locator.elementHandle()
  const target = await handle.evaluateHandle((e, sel) => e.closest(sel) || e, FOCUSABLE)
  for (let i = 0; i < TABS; i++) {
    const there = await target.evaluate((e) => {
      const a = document.activeElement
      if (a === e) return true
      // A group of radios is one stop for Tab; the arrows move within it.
      return e.type === 'radio' && a && a.type === 'radio' && a.name === e.name && a.form === e.form
    })
    if (there) return target
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reaches ${locator}: it cannot be used without a mouse`)
}

// Ticks or unticks a checkbox with Space; chooses a radio by moving through its group
// with the arrow keys (which choose as they move), Space if it is not chosen yet.
async function choose (page, target, want) {
  const el = await reach(page, target)
  const kind = await el.evaluate((e) => e.type)
  if (kind === 'radio') {
    const size = await el.evaluate((e) => (e.form || document).querySelectorAll(`input[type=radio][name="${e.name}"]`).length)
    for (let i = 0; i <= size && !(await el.evaluate((e) => e === document.activeElement)); i++) {
      await page.keyboard.press('ArrowDown')
    }
    if (!(await el.evaluate((e) => e.checked))) await page.keyboard.press('Space')
  } else if ((await el.evaluate((e) => e.checked)) !== want) {
    await page.keyboard.press('Space')
  }
  if ((await el.evaluate((e) => e.checked)) !== want) throw new Error(`the keyboard could not ${want ? 'check' : 'uncheck'} ${target}`)
}

function wrap (page, locator) {
  return new Proxy(locator, {
    get (target, key) {
      const original = target[key]
      if (typeof original !== 'function') return original
      if (MAKES_LOCATORS.has(key)) return (...args) => wrap(page, original.apply(target, args))
      switch (key) {
        case 'click':
          return async () => {
            const el = await reach(page, target)
            const [tag, kind] = await el.evaluate((e) => [e.tagName, e.type])
            // A field is "clicked" by getting to it: Enter there would send its form.
            if (tag === 'TEXTAREA' || (tag === 'INPUT' && !['checkbox', 'radio', 'submit', 'button', 'file'].includes(kind))) return
            // Tab stops at a radio group, not at this radio: the arrows choose it.
            if (kind === 'radio') return choose(page, target, true)
            await page.keyboard.press(kind === 'checkbox' ? 'Space' : 'Enter')
          }
        case 'check':
        case 'uncheck':
          return () => choose(page, target, key === 'check')
        case 'fill':
          return async (value) => {
            const el = await reach(page, target)
            const type = await el.evaluate((e) => e.type)
            if (['date', 'time', 'datetime-local'].includes(type)) {
              // Reached with Tab; the value is set as a picker sets it. How the segments
              // of a date field take typed digits differs between browsers and
              // locales, and is Chromium's to get right, not Boundary's.
              await original.call(target, value)
            } else {
              await page.keyboard.press('ControlOrMeta+A')
              await page.keyboard.press('Delete')
              await page.keyboard.type(value)
            }
            const now = await el.evaluate((e) => e.value)
            if (now !== value) throw new Error(`typed ${JSON.stringify(value)} into ${target}, it holds ${JSON.stringify(now)}`)
          }
        case 'setInputFiles':
          return async (files) => {
            await reach(page, target)
            const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')])
            await chooser.setFiles(files)
          }
        case 'selectOption':
          return async (...args) => {
            await reach(page, target)
            return original.apply(target, args)
          }
        default:
          return original.bind(target)
      }
    },
  })
}

/** `page` as someone with only a keyboard uses it. */
export function keyboardOnly (page) {
  return new Proxy(page, {
    get (target, key) {
      const original = target[key]
      if (typeof original !== 'function') return original
      if (MAKES_LOCATORS.has(key)) return (...args) => wrap(target, original.apply(target, args))
      return original.bind(target)
    },
  })
}
