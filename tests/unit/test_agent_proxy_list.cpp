#include <agent/proxy_list.hpp>

#include <doctest/doctest.h>

using gpx::agent::parse_proxy_list;
using gpx::agent::ProxySpec;
using gpx::agent::redact_url;

TEST_SUITE("agent")
{
  TEST_CASE("GOPROXY lists as the go command reads them")
  {
    auto l = parse_proxy_list(
      "https://a.example|http://b.example/p/,proxy.corp.example "
      ",direct,https://ignored");
    REQUIRE(l);
    REQUIRE(l->size() == 4);
    CHECK((*l)[0].url == "https://a.example");
    CHECK((*l)[0].fall_back_on_error);
    CHECK((*l)[1].url == "http://b.example/p");
    CHECK_FALSE((*l)[1].fall_back_on_error);
    CHECK((*l)[2].url == "https://proxy.corp.example");
    CHECK((*l)[3].kind == ProxySpec::Kind::direct);

    l = parse_proxy_list("file:///srv/mods,off,https://never");
    REQUIRE(l);
    REQUIRE(l->size() == 2);
    CHECK((*l)[0].url == "file:///srv/mods");
    CHECK((*l)[1].kind == ProxySpec::Kind::off);

    l = parse_proxy_list(" , https://x.example ,");
    REQUIRE(l);
    CHECK(l->size() == 1);
  }

  TEST_CASE("bad lists are refused with Go's wording")
  {
    auto l = parse_proxy_list("ftp://x.example");
    REQUIRE_FALSE(l);
    CHECK(l.error().message == "invalid proxy URL scheme (must be https, http, file): ftp://x.example");
    CHECK_FALSE(parse_proxy_list(","));
    CHECK_FALSE(parse_proxy_list(""));
    CHECK_FALSE(
      parse_proxy_list("proxy")); // a single word is reserved, not a host
  }

  TEST_CASE("credentials never appear in the redacted form")
  {
    CHECK(redact_url("https://user:secret@proxy.example/go")
          == "https://user:xxxxx@proxy.example/go");
    // A token alone in the user part is the usual form for tokens: it goes
    // too (once kept, it reached status, doctor, the log, the index and 502s).
    CHECK(redact_url("https://ghp_TOKEN123@proxy.example")
          == "https://xxxxx@proxy.example");
    CHECK(redact_url("https://ghp_TOKEN123@proxy.example/a@b")
          == "https://xxxxx@proxy.example/a@b");
    CHECK(redact_url("ssh://git@git.corp.example/team/lib.git")
          == "ssh://git@git.corp.example/team/lib.git");
    CHECK(redact_url("https://proxy.example/a@b")
          == "https://proxy.example/a@b");
    auto l = parse_proxy_list("https://u:p@proxy.example");
    REQUIRE(l);
    CHECK((*l)[0].url == "https://u:p@proxy.example");
    CHECK((*l)[0].redacted_url == "https://u:xxxxx@proxy.example");
  }
}
