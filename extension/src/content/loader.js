// Content scripts cannot be modules: load the module that does the work (listed in web_accessible_resources).
(async () => {
  const { start } = await import(chrome.runtime.getURL("src/content/main.js"));
  start();
})();
