// Forms posted from another site are refused; the page's own are not (the HTTP tests
// choose their headers; here Chromium chooses, as it does for people).
import assert from 'node:assert/strict'
import { setUp, openCase } from '../lib/people.mjs'

export default {
  'a form posted from another site is refused': async ({ server, newPerson, js }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const { page, context } = ada
    await context.route('http://attacker.test/**', (route) => route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>Win a prize</title>
        <form id="f" method="post" action="${server.base}/cases"><input name="label" value="Planted by attacker"><button>Claim</button></form>
        <script>document.getElementById('f').submit()</script>`,
    }))
    await page.goto('http://attacker.test/')
    if (!js) await page.getByRole('button', { name: 'Claim' }).click()
    await page.waitForURL(`${server.base}/cases`, { timeout: 10000 })
    const body = await page.textContent('body')
    assert.ok(!body.includes('Planted by attacker'), body)
    await page.goto('/cases')
    assert.ok(!(await page.textContent('main')).includes('Planted by attacker'), 'nothing was made')
  },

  'a page that is not there, or not yours, is no dead end: the header, Quick exit and a way back': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient N')
    const { page } = ada
    await page.goto(casePath)
    // A link to a case that is not hers (or gone): the page says so inside her frame.
    await page.goto('/cases/00000000-0000-4000-8000-000000000000')
    assert.ok((await page.textContent('main')).includes('Page not found'))
    assert.ok(await page.getByRole('button', { name: 'Quick exit' }).isVisible(), 'Quick exit is still there')
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible(), 'so is the header')
    await ada.look('not found, signed in')
    await Promise.all([page.waitForURL(/\/cases$/), page.getByRole('link', { name: 'Go to your cases' }).click()])
  },
}
