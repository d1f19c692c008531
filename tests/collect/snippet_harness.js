// Runs the snippet read from stdin in a stand-in browser environment, then
// the actions of a scenario, and prints what the snippet sent:
//   {"beacons": [{url, body, type}], "images": [src]}
// argv[2] is a JSON scenario: {"beacon": "accept" | "refuse" | "throw" | "missing",
//   "url": "https://site.test/blog/tomatoes?utm_source=news",
//   "actions": [["pushState", "/next"], ["replaceState", "/next"], ["popstate", "/back"],
//               ["hash", "#part"], ["wait", 1500], ["hide"], ["show"], ["pagehide"],
//               ["click", "https://other.test/x"]]}
"use strict";
const vm = require("vm");

const scenario = JSON.parse(process.argv[2] || "{}");
const mode = scenario.beacon || "accept";
const sent = { beacons: [], images: [] };
let now = 1_700_000_000_000;

function listeners() {
  const table = {};
  return {
    addEventListener(type, fn) {
      (table[type] = table[type] || []).push(fn);
    },
    dispatch(type, event) {
      for (const fn of table[type] || []) fn(event || { type });
    },
  };
}

const url = new URL(scenario.url || "https://site.test/blog/tomatoes");
const location = {
  get href() { return url.href; },
  get pathname() { return url.pathname; },
  get search() { return url.search; },
  get hash() { return url.hash; },
  get hostname() { return url.hostname; },
};
class FakeBlob {
  constructor(parts, options) {
    this.body = parts.join("");
    this.type = (options && options.type) || "";
  }
}
class FakeImage {
  set src(value) {
    sent.images.push(value);
  }
}
const navigator = { platform: "Linux x86_64", language: "en-GB" };
if (mode !== "missing") {
  navigator.sendBeacon = (target, blob) => {
    if (mode === "throw") throw new TypeError("blocked");
    if (mode === "refuse") return false;
    sent.beacons.push({ url: target, body: blob.body, type: blob.type });
    return true;
  };
}
const windowEvents = listeners();
const documentEvents = listeners();
const document = {
  title: "Tomatoes & more",
  referrer: "https://search.test/?q=tomato",
  visibilityState: "visible",
  addEventListener: documentEvents.addEventListener,
};
const history = {
  pushState(state, title, path) { url.href = new URL(path, url).href; },
  replaceState(state, title, path) { url.href = new URL(path, url).href; },
};
const window = {
  location,
  history,
  screen: { width: 1920, height: 1080 },
  devicePixelRatio: 2,
  crypto: scenario.noCrypto ? undefined : { randomUUID: () => require("crypto").randomUUID() },
  addEventListener: windowEvents.addEventListener,
};
const context = {
  window, navigator, document, history, location,
  screen: window.screen,
  Blob: FakeBlob,
  Image: FakeImage,
  Date: { now: () => now },
  Math, RegExp, encodeURIComponent, decodeURIComponent,
};

function anchor(href) {
  const target = new URL(href, url);
  return { tagName: "A", href: target.href, pathname: target.pathname, hostname: target.hostname, parentNode: null };
}

let source = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (source += chunk));
process.stdin.on("end", () => {
  vm.runInNewContext(source, context);
  for (const [action, arg] of scenario.actions || []) {
    if (action === "pushState" || action === "replaceState") window.history[action]({}, "", arg);
    else if (action === "popstate") { url.href = new URL(arg, url).href; windowEvents.dispatch("popstate"); }
    else if (action === "hash") { url.hash = arg; windowEvents.dispatch("hashchange"); }
    else if (action === "wait") now += arg;
    else if (action === "hide") { document.visibilityState = "hidden"; documentEvents.dispatch("visibilitychange"); }
    else if (action === "show") { document.visibilityState = "visible"; documentEvents.dispatch("visibilitychange"); }
    else if (action === "pagehide") windowEvents.dispatch("pagehide");
    else if (action === "click") documentEvents.dispatch("click", { target: { tagName: "SPAN", parentNode: anchor(arg) } });
    else throw new Error("unknown action " + action);
  }
  process.stdout.write(JSON.stringify(sent));
});
