"""Helpers shared by the browser tests (tests/browser, tests/queries, tests/server)."""

#: Count of pixels that are not fully transparent in the first canvas under a selector.
PAINTED_PIXELS = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) { return -1; }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { painted++; } }
  return painted;
}"""
