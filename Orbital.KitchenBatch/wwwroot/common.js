// Helpers the station board (app.js) and the manager page (manager.js) share; a classic script, loaded before either,
// so both see these functions (no build step, no bundler).

// A version 4 UUID from the browser's random numbers (crypto.randomUUID needs HTTPS; kitchens often run plain HTTP).
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// What a refused call says, for a person: the ProblemDetails' validation errors, detail or title, else the status.
async function problemDetail(response) {
  let detail = `${response.status} ${response.statusText}`.trim();
  try {
    const problem = await response.json();
    detail = problem.detail || problem.title || detail;
    if (problem.errors) {
      detail = Object.values(problem.errors).flat().join(" ");
    }
  } catch {
    // not JSON
  }
  return detail;
}
