/* global process, setInterval */
// Preloaded into the Next processes serve.ts starts: when the process that started them
// is gone (killed outright, so it could not stop them), they stop too instead of holding
// the port. An orphan is re-parented, so a changed parent pid means it was orphaned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
