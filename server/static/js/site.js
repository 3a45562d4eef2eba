// Site-wide behaviour that every page shares (the search box lives in search.js when present).
"use strict";
