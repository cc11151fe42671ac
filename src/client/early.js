// yew-clerk: starts the Frontend API requests the last visit began with (the
// environment and the client), so they travel while the wasm downloads; the
// library takes an answer only for the very URL it would have asked, once, and
// only in the page's first 30 seconds.
(function () {
  var early = (window.__clerkEarly = {});
  try {
    JSON.parse(localStorage.getItem("__clerk_early") || "[]").forEach(function (url) {
      if (typeof url !== "string" || !/\/v1\/(environment|client)\?/.test(url)) return;
      early[url] = fetch(url, { credentials: "include" });
      early[url].catch(function () {});
    });
  } catch (_) {}
  setTimeout(function () {
    if (window.__clerkEarly === early) delete window.__clerkEarly;
  }, 30000);
})();
