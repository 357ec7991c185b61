// Runs before the page renders so GOV.UK Frontend styles JavaScript-only components.
document.body.className += ' js-enabled' +
  ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
