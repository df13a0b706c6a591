// Country questions: the select of about 250 countries becomes a box to type into
// (accessible-autocomplete), which sets the select's value; without JavaScript, or if
// the library did not load, the select stays as it is and works the same.
const select = document.querySelector('select#id_answer')

if (select && window.accessibleAutocomplete) {
  const options = {
    selectElement: select,
    tNoResults: () => 'No country or authority found'
  }
  // An answer already given shows in the box; otherwise the box starts empty, not with "Select a country".
  if (!select.value) options.defaultValue = ''
  window.accessibleAutocomplete.enhanceSelectElement(options)
}
