"""Exact output of {% pageview_snippet %} and of the pure render function."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils.functional import SimpleLazyObject, empty

from pageviews.collect.snippet import minified_script, render_comment, render_snippet

APP_ID = "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10"
ENDPOINT = "http://testserver/pageviews/collect/"
NOSCRIPT = (
    '<noscript><img src="http://testserver/pageviews/collect/?app=6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10'
    '&amp;path=%2Fblog%2F" alt="" width="1" height="1" style="position:absolute;left:-9999px"></noscript>'
)


def render(template: str, remote_addr: str = "203.0.113.5", **context: object) -> str:
    request = RequestFactory().get("/blog/", REMOTE_ADDR=remote_addr)
    return Template("{% load pageviews %}" + template).render(Context({"request": request, **context}))


DEFAULT_OPTIONS = '{"spa":false,"hash":false,"engagement":true,"outbound":false,"downloads":false,"names":{}}'


def expected_script(
    app_id: str = APP_ID, endpoint: str = ENDPOINT, nonce: str = "", options: str = DEFAULT_OPTIONS
) -> str:
    attrs = f' nonce="{nonce}"' if nonce else ""
    return f'<script{attrs}>{minified_script()}("{endpoint}","{app_id}",{options});</script>'


def test_tag_with_an_app_id_argument() -> None:
    assert render(f'{{% pageview_snippet "{APP_ID}" %}}') == expected_script() + NOSCRIPT


@override_settings(PAGEVIEWS_APP_ID=APP_ID)
def test_tag_takes_the_app_id_from_settings() -> None:
    assert render("{% pageview_snippet %}") == expected_script() + NOSCRIPT


@override_settings(PAGEVIEWS_APP_ID=APP_ID)
def test_tag_honours_the_csp_nonce() -> None:
    assert render("{% pageview_snippet %}", csp_nonce="r4nd0m") == expected_script(nonce="r4nd0m") + NOSCRIPT


@override_settings(PAGEVIEWS_APP_ID=APP_ID, PAGEVIEWS_ENDPOINT_URL="https://stats.site.test/p/collect/")
def test_endpoint_setting_wins_and_works_without_request() -> None:
    output = Template("{% load pageviews %}{% pageview_snippet %}").render(Context({}))
    assert output.startswith(expected_script(endpoint="https://stats.site.test/p/collect/"))
    assert 'src="https://stats.site.test/p/collect/?app=' in output


@override_settings(PAGEVIEWS_APP_ID=APP_ID)
def test_no_request_and_no_endpoint_setting_renders_a_comment() -> None:
    output = Template("{% load pageviews %}{% pageview_snippet %}").render(Context({}))
    assert output == "<!-- pageviews: no endpoint: set PAGEVIEWS_ENDPOINT_URL or render with a request -->"


def test_missing_app_id_renders_a_comment() -> None:
    assert render("{% pageview_snippet %}") == "<!-- pageviews: no app id: pass one or set PAGEVIEWS_APP_ID -->"


def test_malformed_app_id_renders_an_escaped_comment() -> None:
    output = render('{% pageview_snippet "--><script>alert(1)</script>" %}')
    assert output.startswith("<!-- pageviews: app id ")
    assert "<script>" not in output
    assert output.count("-->") == 1


@override_settings(PAGEVIEWS_APP_ID=APP_ID, INTERNAL_IPS=["127.0.0.1"])
def test_internal_ips_are_not_tracked() -> None:
    assert render("{% pageview_snippet %}", remote_addr="127.0.0.1") == "<!-- pageviews: not tracked: internal IP -->"
    assert render("{% pageview_snippet %}", remote_addr="203.0.113.5").startswith("<script>")


@override_settings(PAGEVIEWS_APP_ID=APP_ID, INTERNAL_IPS=["10.0.0.5"], PAGEVIEWS_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_internal_ips_behind_a_proxy_use_the_ip_header() -> None:
    request = RequestFactory().get("/blog/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.5, 127.0.0.1")
    output = Template("{% load pageviews %}{% pageview_snippet %}").render(Context({"request": request}))
    assert output == "<!-- pageviews: not tracked: internal IP -->"


def never_track(request: object) -> bool:
    return False


def always_track(request: object) -> bool:
    return True


def broken_callback(request: object) -> bool:
    raise KeyError("boom")


@override_settings(PAGEVIEWS_APP_ID=APP_ID, PAGEVIEWS_SHOULD_TRACK_CALLBACK="tests.test_templatetag.never_track")
def test_callback_saying_no_renders_a_comment() -> None:
    assert (
        render("{% pageview_snippet %}") == "<!-- pageviews: not tracked: PAGEVIEWS_SHOULD_TRACK_CALLBACK said no -->"
    )


@override_settings(PAGEVIEWS_APP_ID=APP_ID, PAGEVIEWS_SHOULD_TRACK_CALLBACK="tests.test_templatetag.always_track")
def test_callback_saying_yes_renders_the_script() -> None:
    assert render("{% pageview_snippet %}") == expected_script() + NOSCRIPT


@override_settings(PAGEVIEWS_APP_ID=APP_ID, PAGEVIEWS_SHOULD_TRACK_CALLBACK="tests.test_templatetag.broken_callback")
def test_broken_callback_renders_a_comment_not_an_exception() -> None:
    assert render("{% pageview_snippet %}") == "<!-- pageviews: PAGEVIEWS_SHOULD_TRACK_CALLBACK failed: KeyError -->"


@override_settings(PAGEVIEWS_APP_ID=APP_ID, PAGEVIEWS_SHOULD_TRACK_CALLBACK="no.such.module.callback")
def test_unimportable_callback_renders_a_comment() -> None:
    assert render("{% pageview_snippet %}").startswith("<!-- pageviews: PAGEVIEWS_SHOULD_TRACK_CALLBACK failed:")


@override_settings(
    PAGEVIEWS_APP_ID=APP_ID,
    PAGEVIEWS_TRACK_SPA=True,
    PAGEVIEWS_TRACK_DOWNLOADS=True,
    PAGEVIEWS_DOWNLOAD_EXTENSIONS=["pdf", "zip"],
    PAGEVIEWS_PARAM_NAMES={"app": "a", "path": "p"},
)
def test_options_come_from_settings_and_tag_arguments() -> None:
    options = (
        '{"spa":true,"hash":true,"engagement":false,"outbound":true,"downloads":["pdf","zip"],'
        '"names":{"app":"a","path":"p"}}'
    )
    noscript = NOSCRIPT.replace("?app=", "?a=").replace("&amp;path=", "&amp;p=")
    output = render("{% pageview_snippet hash=True engagement=False outbound=True %}")
    assert output == expected_script(options=options) + noscript
    output = render("{% pageview_snippet spa=False downloads=False %}")
    assert '"spa":false' in output
    assert '"downloads":false' in output


def test_render_snippet_escapes_for_the_script_context() -> None:
    output = render_snippet(endpoint="https://x.test/c/?a=</script><b>&", app_id=APP_ID, path="/")
    script = output.split("</script>", 1)[0]
    assert "\\u003C/script\\u003E\\u003Cb\\u003E\\u0026" in script
    assert 'src="https://x.test/c/?a=&lt;/script&gt;&lt;b&gt;&amp;&amp;app=' in output


def test_render_comment_cannot_close_early() -> None:
    assert render_comment("a -- b") == "<!-- pageviews: a - - b -->"


def test_script_is_minified() -> None:
    script = minified_script()
    assert script.startswith("(function(")
    assert script.endswith(")")
    assert "/*" not in script
    assert "  " not in script
    assert script.count("\n") < 40  # rjsmin keeps a newline only where ASI could need it
    assert len(script) < 3500


class LazyNonce(SimpleLazyObject):  # type: ignore[type-arg]  # generic only in django-stubs
    """Like Django 6's ``django.utils.csp.LazyNonce`` and django-csp's nonce: false until it is first used."""

    def __init__(self) -> None:
        super().__init__(lambda: "l4zy-n0nce")

    def __bool__(self) -> bool:
        return self._wrapped is not empty


@override_settings(PAGEVIEWS_APP_ID=APP_ID)
def test_a_lazy_nonce_that_is_false_until_used_is_rendered() -> None:
    nonce = LazyNonce()
    assert not nonce  # what made the tag leave the nonce out, and the browser block the script
    assert render("{% pageview_snippet %}", csp_nonce=nonce) == expected_script(nonce="l4zy-n0nce") + NOSCRIPT
    assert nonce  # used now: the CSP header will name it


@override_settings(PAGEVIEWS_APP_ID=APP_ID)
def test_the_request_nonce_and_an_explicit_one() -> None:
    request = RequestFactory().get("/blog/", REMOTE_ADDR="203.0.113.5")
    request.csp_nonce = LazyNonce()  # type: ignore[attr-defined]  # django-csp sets it on the request
    template = Template("{% load pageviews %}{% pageview_snippet %}")
    assert template.render(Context({"request": request})) == expected_script(nonce="l4zy-n0nce") + NOSCRIPT
    explicit = Template('{% load pageviews %}{% pageview_snippet nonce="m1ne" %}')
    assert (
        explicit.render(Context({"request": request, "csp_nonce": "other"})) == expected_script(nonce="m1ne") + NOSCRIPT
    )
