// Progressive enhancement only: every page works without JavaScript.
import { initAll } from '../govuk/govuk-frontend.min.js';

initAll();
