/* django-pageviews tracking snippet (readable source).
 * {% pageview_snippet %} inlines this file minified and calls it with the
 * collect endpoint's absolute URL, the app id and the options. Each hit goes
 * out with navigator.sendBeacon where the browser has it (a form-encoded
 * POST, answered 204) and as an image request otherwise (a GET, answered with
 * a 1x1 GIF), so it works in every browser and never blocks the page.
 *
 * options: spa (history navigations are pageviews), hash (so are hash
 * changes), engagement (send the engaged time of each pageview when the page
 * is hidden), outbound / downloads (record those link clicks; downloads is
 * the list of file extensions), names (wire names of the fields).
 */
(function (endpoint, app, options) {
  var w = window, d = document, n = navigator, loc = w.location;
  var names = options.names || {};
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var pv, lastPage, href = loc.href, referrer = d.referrer;
  var engaged = 0, sentEngaged = -1, visibleSince = null;

  function uid() {
    if (w.crypto && w.crypto.randomUUID) {
      return w.crypto.randomUUID();
    }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }

  function send(data) {
    data.app = app;
    var query = [];
    for (var key in data) {
      query.push(encodeURIComponent(names[key] || key) + "=" + encodeURIComponent(data[key] == null ? "" : data[key]));
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
  }

  function param(name) {
    var match = new RegExp("[?&]" + name + "=([^&#]*)").exec(loc.search);
    try {
      return match ? decodeURIComponent(match[1].replace(/\+/g, " ")) : "";
    } catch (err) {
      return "";
    }
  }

  function page() {
    return loc.pathname + (options.hash ? loc.hash : "");
  }

  function visible() {
    return d.visibilityState !== "hidden";
  }

  function flush() {
    if (visibleSince !== null) {
      engaged += Date.now() - visibleSince;
      visibleSince = visible() ? Date.now() : null;
    }
    if (options.engagement && pv && engaged !== sentEngaged) {
      sentEngaged = engaged;
      send({type: "engagement", pv: pv, engaged: engaged});
    }
  }

  function pageview() {
    var s = w.screen || {};
    var data = {
      pv: pv = uid(),
      path: lastPage = page(),
      title: d.title,
      host: loc.hostname,
      platform: n.platform,
      language: n.language,
      screensize: s.width + "x" + s.height,
      pixelratio: w.devicePixelRatio,
      referrer: referrer
    };
    for (var i = 0; i < UTM.length; i++) {
      data[UTM[i]] = param(UTM[i]);
    }
    engaged = 0;
    sentEngaged = -1;
    visibleSince = visible() ? Date.now() : null;
    send(data);
  }

  function navigated() {
    if (page() === lastPage) {
      return;
    }
    flush();
    referrer = href;
    href = loc.href;
    pageview();
  }

  if (options.spa) {
    var history = w.history;
    ["pushState", "replaceState"].forEach(function (method) {
      var original = history[method];
      if (original) {
        history[method] = function () {
          var result = original.apply(this, arguments);
          navigated();
          return result;
        };
      }
    });
    w.addEventListener("popstate", navigated);
  }
  if (options.hash) {
    w.addEventListener("hashchange", navigated);
  }
  if (options.engagement) {
    d.addEventListener("visibilitychange", function () {
      if (visible()) {
        visibleSince = visibleSince === null ? Date.now() : visibleSince;
      } else {
        flush();
      }
    });
    w.addEventListener("pagehide", flush);
  }
  if (options.outbound || options.downloads) {
    var clicked = function (event) {
      if (event.type === "auxclick" && event.button !== 1) {
        return; /* only the middle button opens a link; not the context menu */
      }
      var a = event.target;
      while (a && !(a.tagName === "A" && a.href)) {
        a = a.parentNode;
      }
      if (!a) {
        return;
      }
      var file = a.pathname.split("/").pop();
      var ext = file.indexOf(".") < 0 ? "" : file.split(".").pop().toLowerCase();
      if (options.downloads && ext && options.downloads.indexOf(ext) >= 0) {
        send({type: "event", name: "download", url: a.href, path: loc.pathname, pv: pv});
      } else if (options.outbound && a.hostname && a.hostname !== loc.hostname) {
        send({type: "event", name: "outbound", url: a.href, path: loc.pathname, pv: pv});
      }
    };
    d.addEventListener("click", clicked, true);
    d.addEventListener("auxclick", clicked, true);
  }
  pageview();
})
