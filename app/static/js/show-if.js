// Hide questions whose show_if rule is not met by the answer chosen on this page.
// The page works without this: every question is shown and the server discards answers to
// questions the rule hides (app/questionnaire/forms.py).

function selectedValues (form, name) {
  const inputs = form.querySelectorAll('input[name="' + CSS.escape(name) + '"]')
  const values = []
  inputs.forEach(function (input) {
    if ((input.type === 'radio' || input.type === 'checkbox') && input.checked && !input.disabled) {
      values.push(input.value)
    }
  })
  return values
}

function questionBlock (form, key) {
  return form.querySelector('[data-question-key="' + CSS.escape(key) + '"]')
}

function update (form) {
  // Rules only point backwards, so one pass in page order settles chains of rules.
  const dependents = form.querySelectorAll('[data-show-if-question]')
  dependents.forEach(function (block) {
    const target = block.getAttribute('data-show-if-question')
    let wanted = []
    try {
      wanted = JSON.parse(block.getAttribute('data-show-if-values') || '[]')
    } catch (e) {
      wanted = []
    }
    const targetBlock = questionBlock(form, target)
    // The question it depends on is on another page: the server has already decided.
    if (!targetBlock) { return }
    const targetShown = !targetBlock.hidden
    const chosen = targetShown ? selectedValues(form, target) : []
    const show = chosen.some(function (value) { return wanted.indexOf(value) !== -1 })
    block.hidden = !show
  })
}

function init () {
  const forms = new Set()
  document.querySelectorAll('[data-show-if-question]').forEach(function (block) {
    const form = block.closest('form') || document.body
    forms.add(form)
  })
  forms.forEach(function (form) {
    if (form.dataset.showIfReady) { return }
    form.dataset.showIfReady = 'true'
    form.addEventListener('change', function () { update(form) })
    update(form)
  })
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init)
} else {
  init()
}
