// Debian's Chromium, driven by playwright-core: never a downloaded browser. Every page a
// journey looks at is checked by axe-core against WCAG 2.2 A and AA.
import { chromium } from 'playwright-core'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { keyboardOnly } from './keyboard.mjs'

const require = createRequire(import.meta.url)
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

export const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
}

// Chromium's own background traffic is refused by this machine's closed network.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

export async function launch () {
  return chromium.launch({
    executablePath: process.env.BOUNDARY_CHROMIUM || '/usr/bin/chromium',
    args: ARGS,
  })
}

/**
 * A person with a browser of their own: cookies, JavaScript on or off, a screen size.
 * `look(page, what)` runs axe on the page as it stands and keeps what it finds.
 */
export async function person (browser, { js, size, base, keyboard = false }) {
  // bypassCSP lets axe be injected; the pages' own CSP is checked by the HTTP tests. A
  // British locale, so that dates are typed day first.
  const context = await browser.newContext({ ...SIZES[size], javaScriptEnabled: js, bypassCSP: true, baseURL: base, locale: 'en-GB' })
  // Quick exit's neutral page is outside this closed network: answer for it.
  await context.route('https://www.bbc.co.uk/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>BBC Weather</title><h1>Weather</h1>' }))
  const realPage = await context.newPage()
  const page = keyboard ? keyboardOnly(realPage) : realPage
  // With JavaScript off axe cannot run in the page itself: a copy of the page as it
  // stands, scripts removed, is checked in a page of its own with the same styles.
  const inspector = js ? null : await (await browser.newContext({ ...SIZES[size], bypassCSP: true })).newPage()
  const found = []
  // Every page the browser was given (method and path), for the route coverage.
  const visited = new Set()
  page.on('download', (d) => visited.add(`GET ${new URL(d.url()).pathname}`))
  context.on('response', (r) => {
    const req = r.request()
    if (req.resourceType() === 'document' && req.url().startsWith(base)) {
      visited.add(`${req.method()} ${new URL(req.url()).pathname}`)
    }
  })
  return {
    context,
    page,
    found,
    visited,
    async look (what) {
      let target = page
      if (inspector) {
        const html = (await page.content())
          .replace(/<script\b[\s\S]*?<\/script>/gi, '')
          .replace(/<head>/i, `<head><base href="${new URL(page.url()).origin}/">`)
        await inspector.setContent(html, { waitUntil: 'load' })
        target = inspector
      }
      await target.addScriptTag({ content: AXE })
      const result = await target.evaluate((tags) =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG)
      for (const v of result.violations) {
        found.push(`${what}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
      }
    },
    async close () {
      await context.close()
      if (inspector) await inspector.context().close()
    },
  }
}
