// Lawyer portal (see avocat.js): filled below.
export async function render() {}
