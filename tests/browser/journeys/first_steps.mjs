// The first evening: set up from the printed link, open a case, log a contact with a
// photo, see it on the case page; sign out and back in.
import assert from 'node:assert/strict'
import { setUp, signIn, openCase, logContact } from '../lib/people.mjs'

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082', 'hex')

export default {
  'set up, open a case and log a contact with a photo': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    assert.match(new URL(ada.page.url()).pathname, /^\/cases/)
    await ada.look('cases, empty')
    const casePath = await openCase(ada, 'Patient A')
    await logContact(ada, casePath, {
      text: 'Fourteen messages overnight. "I know where you live."',
      files: [{ name: 'screenshot.png', mimeType: 'image/png', buffer: PNG }],
    })
    await ada.page.goto(casePath)
    const timeline = await ada.page.textContent('main')
    assert.ok(timeline.includes('Fourteen messages overnight'), 'the entry is on the case page')
    await ada.look('case page with an entry')
    await Promise.all([ada.page.waitForURL(/\/entries\//), ada.page.locator('main a[href^="/entries/"]').first().click()])
    const entry = await ada.page.textContent('main')
    assert.ok(entry.includes('screenshot.png'), 'the entry page lists its file')
    await ada.look('entry page')
  },

  'sign out, and sign in again': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    await Promise.all([ada.page.waitForURL(/signed_out/), ada.page.getByRole('button', { name: 'Sign out' }).click()])
    assert.ok((await ada.page.textContent('main')).includes('You have signed out'))
    await ada.page.goto('/cases')
    assert.match(ada.page.url(), /\/sign-in\?next=%2Fcases$/, 'signed out means signed out')
    await signIn(ada, 'ada@example.nhs.uk')
    assert.match(ada.page.url(), /\/cases$/)
  },
}
