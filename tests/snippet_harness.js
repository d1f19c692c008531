// Runs the snippet read from stdin in a stand-in browser environment and
// prints what it sent: {"beacons": [{url, body, type}], "images": [src]}.
// argv[2]: "accept" (sendBeacon queues), "refuse" (returns false),
// "throw" (throws), "missing" (no sendBeacon at all).
"use strict";
const vm = require("vm");

const mode = process.argv[2];
const sent = { beacons: [], images: [] };

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
  navigator.sendBeacon = (url, blob) => {
    if (mode === "throw") throw new TypeError("blocked");
    if (mode === "refuse") return false;
    sent.beacons.push({ url, body: blob.body, type: blob.type });
    return true;
  };
}
const window = {
  location: { pathname: "/blog/tomatoes" },
  screen: { width: 1920, height: 1080 },
  devicePixelRatio: 2,
};
const context = {
  window,
  navigator,
  document: { title: "Tomatoes & more", referrer: "https://search.test/?q=tomato" },
  screen: window.screen,
  location: window.location,
  Blob: FakeBlob,
  Image: FakeImage,
  encodeURIComponent,
};

let source = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (source += chunk));
process.stdin.on("end", () => {
  vm.runInNewContext(source, context);
  process.stdout.write(JSON.stringify(sent));
});
