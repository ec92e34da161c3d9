// Following the defence bodies' advice from the case's advice page: a warning (refused
// without its date, what was typed kept), a report to the police, a chaperone at a
// consultation, a transfer of care.
import assert from 'node:assert/strict'
import { setUp, openCase, press } from '../lib/people.mjs'

async function open (page, summary) {
  await page.getByText(summary, { exact: true }).click()
}

export default {
  'record a warning, a police report, a chaperone and a transfer of care': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient W')
    const { page } = ada
    await page.goto(`${casePath}/advice`)
    await ada.look('advice')

    await open(page, 'Record a warning')
    await page.getByLabel('How it was given').fill('In person, with the practice manager')
    await page.getByLabel('What the patient was told the reasons were').fill('Repeated messages to my personal phone')
    await press(page, page.getByRole('button', { name: 'Record the warning' }))
    assert.ok((await page.textContent('main')).includes('There is a problem'), 'a warning needs its date')
    assert.equal(await page.getByLabel('How it was given').inputValue(), 'In person, with the practice manager')
    await ada.look('advice, warning refused')
    await page.getByLabel('Date given').fill('2026-11-20')
    await press(page, page.getByRole('button', { name: 'Record the warning' }))
    assert.ok((await page.textContent('main')).includes('Repeated messages to my personal phone'))

    await open(page, 'Record a report to the police')
    await page.getByLabel('Date reported').fill('2026-11-21')
    await page.getByLabel('Police force').fill('Thames Valley Police')
    await page.getByLabel('Incident number or crime reference').fill('TVP-2026-4471')
    await page.getByLabel('What you reported').fill('Waiting outside my home at night')
    await press(page, page.getByRole('button', { name: 'Record the report' }))
    assert.ok((await page.textContent('main')).includes('TVP-2026-4471'))

    await open(page, "Record a consultation's chaperone")
    await page.getByLabel('Date of the consultation').fill('2026-11-22')
    await page.getByLabel("Chaperone's name").fill('Sam Lee')
    await page.getByLabel('Their role').fill('Practice nurse')
    await page.locator('#pc-yes').check()
    await press(page, page.getByRole('button', { name: 'Record', exact: true }))
    assert.ok((await page.textContent('main')).includes('Sam Lee'))

    await open(page, 'Record a transfer of care')
    await page.getByLabel('Date of the transfer').fill('2026-11-23')
    await page.getByLabel('To whom').fill('Dr Okafor, Hillside Surgery')
    await page.getByLabel('Why', { exact: true }).fill('The relationship has broken down')
    await press(page, page.getByRole('button', { name: 'Record the transfer' }))
    assert.ok((await page.textContent('main')).includes('Dr Okafor, Hillside Surgery'))
    await ada.look('advice, records made')
  },

  'tick a checklist step and answer the risk questions (refused while one is unanswered)': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient R')
    const { page } = ada
    await page.goto(`${casePath}/advice`)
    // The first step of the checklist, done today.
    const step = page.locator('#checklist + p + ul > li').first()
    const title = (await step.locator('strong').nth(1).textContent()).trim()
    const before = (await step.locator('strong').first().textContent()).trim()
    await step.locator('summary').click()
    // Saved with nothing in it: the summary names the step and leads to its field.
    await press(page, step.getByRole('button', { name: 'Save' }))
    const problem = page.locator('.nhsuk-error-summary a').first()
    assert.ok((await problem.textContent()).includes(title), `the error names "${title}"`)
    await ada.look('advice, checklist step refused')
    await problem.click()
    const field = page.locator('#checklist + p + ul > li').first().getByLabel('Done on')
    assert.ok(await field.isVisible(), 'the step is open at its field')
    // The design system's script moves the focus there; without script the link's #id
    // scrolls to it.
    const focused = await field.evaluate((e) => e === document.activeElement)
    const hash = await page.evaluate(() => window.location.hash)
    assert.ok(focused || hash === `#${await field.getAttribute('id')}`, `focused ${focused}, hash ${hash}`)
    await field.fill('2026-11-24')
    await press(page, page.locator('#checklist + p + ul > li').first().getByRole('button', { name: 'Save' }))
    const after = page.locator('#checklist + p + ul > li').filter({ hasText: title })
    const now = (await after.locator('strong').first().textContent()).trim()
    assert.notEqual(now, before, `${title}: ${before} then ${now}`)
    assert.match(now, /done/i, `${title} is done`)

    // Thirteen answers of fourteen: refused, the answers given kept; then all fourteen.
    await open(page, 'Answer the risk questions')
    const groups = page.locator('form[action$="/risk-screens"] fieldset')
    const n = await groups.count()
    assert.equal(n, 14)
    for (let i = 0; i < n - 1; i++) await groups.nth(i).getByLabel('No', { exact: true }).check()
    await press(page, page.getByRole('button', { name: 'Save the answers' }))
    assert.ok((await page.textContent('main')).includes('There is a problem'))
    assert.match(await page.locator('.nhsuk-error-summary a').first().textContent(), /^Question 14 \(/, 'the question is named')
    assert.ok(await page.locator('form[action$="/risk-screens"] fieldset').nth(0).getByLabel('No', { exact: true }).isChecked(), 'answers kept')
    await ada.look('advice, risk questions refused')
    await page.locator('form[action$="/risk-screens"] fieldset').nth(n - 1).getByLabel('Yes', { exact: true }).check()
    // Whether they have harassed anyone before is often not known: that is an answer too.
    await page.locator('form[action$="/risk-screens"] fieldset').nth(n - 2).getByLabel("Don't know", { exact: true }).check()
    await press(page, page.getByRole('button', { name: 'Save the answers' }))
    assert.ok((await page.textContent('main')).includes('1 of 14 (1 not known)'), 'the answers are kept as a set, "don\'t know" as that')
  },

  'plan a removal from the list: check a date, then answer the planner and keep the answers': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient L')
    const { page } = ada
    await page.goto(`${casePath}/advice#removal`)
    await page.getByLabel('Date of the request').fill('2026-12-20')
    await page.getByLabel(/^Immediate removal/).check()
    await press(page, page.getByRole('button', { name: 'Check', exact: true }))
    assert.match(page.url(), /requested_on=2026-12-20/)
    assert.ok(await page.getByLabel(/^Immediate removal/).isChecked(), 'the planner keeps what was asked')
    await ada.look('advice, removal checked')

    await open(page, "Answer the planner's questions")
    await page.getByLabel(/^The reasons are about the patient's behaviour/).check()
    await page.getByLabel(/^Because a warning would put the safety of staff or others at risk/).check()
    await page.getByLabel('Why (recorded with the request)').fill('Threatened the receptionist with a knife')
    await press(page, page.getByRole('button', { name: 'Save answers' }))
    await page.goto(`${casePath}/advice#removal`)
    await open(page, "Answer the planner's questions")
    assert.ok(await page.getByLabel(/^The reasons are about the patient's behaviour/).isChecked(), 'the answers are kept')
    assert.ok(await page.getByLabel(/^Because a warning would put the safety/).isChecked())
    await ada.look('advice, removal answered')
  },
}
