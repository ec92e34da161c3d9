// What the doctor does on a case after logging: keeps the receipt, opens the file they
// attached, requires a chaperone, changes the status.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setUp, openCase, logContact, press } from '../lib/people.mjs'

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082', 'hex')

export default {
  'keep the receipt, open the file, require a chaperone, change the status': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient K')
    await logContact(ada, casePath, {
      text: 'Photo of the card left on my car',
      files: [{ name: 'card.png', mimeType: 'image/png', buffer: PNG }],
    })
    const { page } = ada
    // Straight after logging, the receipt is offered.
    const [receipt] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the receipt' }).click()])
    const kept = JSON.parse(readFileSync(await receipt.path(), 'utf8'))
    assert.ok(kept.checkpoint && kept.seq, 'a receipt with its checkpoint')

    await page.goto(casePath)
    await Promise.all([page.waitForURL(/\/entries\//), page.locator('main a[href^="/entries/"]').first().click()])
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('main a[download][href^="/attachments/"]').first().click()])
    assert.deepEqual(readFileSync(await file.path()), PNG, 'the file as it was attached')

    await page.goto(casePath)
    await press(page, page.getByRole('button', { name: 'Require a chaperone for every consultation' }))
    assert.ok((await page.textContent('main')).includes('A chaperone is no longer required'), 'the flag is on')
    await ada.look('case page, chaperone required')
    await page.getByLabel('Status').selectOption({ index: 1 })
    const chosen = await page.locator('#status option:checked').textContent()
    await press(page, page.getByRole('button', { name: 'Change status' }))
    assert.equal((await page.locator('#status option:checked').textContent()).trim(), chosen.trim(), 'the new status stands')
    await ada.look('case page, status changed')
  },
}
