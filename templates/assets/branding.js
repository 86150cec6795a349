// The branding page: keeps the contrast text beside each colour picker in step with the colour being
// chosen (the server renders it for the saved colour, and checks again on save).
(function () {
  'use strict';
  function luminance(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
  document.querySelectorAll('[data-contrast-for]').forEach(function (text) {
    var input = document.getElementById('field-' + text.getAttribute('data-contrast-for'));
    if (!input) return;
    input.addEventListener('input', function () {
      if (!/^#[0-9a-f]{6}$/i.test(input.value)) return;
      var ratio = 1.05 / (luminance(input.value.toLowerCase()) + 0.05);
      var template = text.getAttribute(ratio >= 4.5 ? 'data-ok' : 'data-low');
      text.textContent = template.replace('%ratio%', format.format(Math.floor(ratio * 10) / 10));
    });
  });
})();
