// Draws the charts built on the server (each .app-chart holds a plotly figure as JSON in data-figure) with
// the locally served plotly.min.js. Every chart has its figures in a table beside it, so the page is complete
// without this script.
//
// The CSP allows only <style> elements that carry the page's nonce. plotly.js adds its stylesheet rules to
// <style id="plotly.js-style-global">, and its bundled MapLibre adds a stylesheet under a fixed id, each only
// if no element with that id exists yet. So before loading plotly.js we create both elements with the nonce:
// plotly's rules then go into an allowed sheet, and the map styles (no maps are drawn here) are never added.
const STYLE_IDS = [
  'plotly.js-style-global',
  '9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53' // MapLibre's stylesheet in plotly.js 4.x
]

const CONFIG = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines']
}

function prepareStyles (nonce) {
  for (const id of STYLE_IDS) {
    if (document.getElementById(id)) continue
    const style = document.createElement('style')
    style.id = id
    style.nonce = nonce
    document.head.appendChild(style)
  }
}

function loadPlotly (src, nonce) {
  if (window.Plotly) return Promise.resolve(window.Plotly)
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = src
    script.nonce = nonce
    script.onload = () => resolve(window.Plotly)
    script.onerror = reject
    document.head.appendChild(script)
  })
}

function draw (Plotly, element) {
  let figure
  try {
    figure = JSON.parse(element.dataset.figure)
  } catch (error) {
    element.textContent = 'This chart could not be drawn. Its figures are in the table below.'
    return
  }
  Plotly.newPlot(element, figure.data || [], figure.layout || {}, CONFIG)
}

const charts = document.querySelectorAll('.app-chart[data-figure]')
const loader = document.querySelector('script[data-plotly]')
if (charts.length && loader) {
  const nonce = loader.nonce
  prepareStyles(nonce)
  loadPlotly(loader.dataset.plotly, nonce)
    .then(Plotly => charts.forEach(element => draw(Plotly, element)))
    .catch(() => charts.forEach(element => {
      element.textContent = 'Charts could not be loaded. The figures are in the tables below.'
    }))
}
