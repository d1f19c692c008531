/* django-pageviews tracking snippet (readable source).
 * {% pageview_snippet %} inlines this file minified and calls it with the
 * collect endpoint's absolute URL and the app id. It reports the recipe's
 * fields with navigator.sendBeacon where the browser has it (a form-encoded
 * POST, answered 204) and with an image request otherwise (a GET, answered
 * with a 1x1 GIF), so it works in every browser and never blocks the page.
 */
(function (endpoint, app) {
  var w = window, d = document, n = navigator, s = w.screen || {};
  var data = {
    app: app,
    path: w.location.pathname,
    title: d.title,
    platform: n.platform,
    language: n.language,
    screensize: s.width + "x" + s.height,
    pixelratio: w.devicePixelRatio,
    referrer: d.referrer
  };
  var query = [];
  for (var key in data) {
    query.push(key + "=" + encodeURIComponent(data[key] == null ? "" : data[key]));
  }
  var body = query.join("&");
  try {
    if (n.sendBeacon && n.sendBeacon(endpoint, new Blob([body], {type: "application/x-www-form-urlencoded"}))) {
      return;
    }
  } catch (err) {
    /* fall back to the image request */
  }
  new Image().src = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + body;
})
