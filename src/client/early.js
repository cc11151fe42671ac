// yew-clerk: starts the Frontend API requests the last visit began with (the
// environment and the client), so they travel while the wasm downloads; the
// library takes an answer only for the very URL it would have asked.
(function () {
  var early = (window.__clerkEarly = {});
  try {
    JSON.parse(localStorage.getItem("__clerk_early") || "[]").forEach(function (url) {
      if (typeof url !== "string") return;
      early[url] = fetch(url, { credentials: "include" });
      early[url].catch(function () {});
    });
  } catch (_) {}
})();
