#include "../support/temp_dir.hpp"
#include "../support/tls_fixtures.hpp"

#include <agent/repo_locator.hpp>

#include <doctest/doctest.h>

using namespace gpx;
using namespace gpx::agent;

namespace {

std::vector<std::string>
urls(const GitRepoLocation& where)
{
  std::vector<std::string> out;
  for (const auto& r : where.remotes) {
    out.push_back(r.url + (r.origin == r.url ? "" : " as " + r.origin));
  }
  return out;
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE("git_remotes rules parse, and bad ones say how they should look")
  {
    auto rules = parse_git_rules(
      " corp.example/*=ssh://git@git.corp.example/{path}.git ,\n"
      "corp.example/tools/special=https://git.corp.example/tools/special.git");
    REQUIRE(rules);
    REQUIRE(rules->size() == 2);
    CHECK((*rules)[0].pattern == std::vector<std::string>{"corp.example", "*"});
    CHECK((*rules)[0].url_template == "ssh://git@git.corp.example/{path}.git");
    CHECK(parse_git_rules("")->empty());
    auto bad = parse_git_rules("corp.example/*");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("is not PREFIX=URL") != std::string::npos);
    CHECK_FALSE(
      parse_git_rules("corp.example/*=https://git.corp.example/fixed.git"));
  }

  TEST_CASE(
    "a module's repository: config rules first, then the go command's own "
    "rules")
  {
    auto rules = parse_git_rules(
      "corp.example/*/*=ssh://git@git.corp.example/{path}.git, "
      "corp.example/tools/*=https://h.example/{root}, "
      "corp.example/one=https://h.example/one.git");
    REQUIRE(rules);
    RepoLocator locator(*rules, true, {}); // offline: no go-get discovery here

    auto a = locator.locate("corp.example/team/lib/sub/v2");
    REQUIRE(a);
    CHECK(a->root == "corp.example/team/lib");
    CHECK(
      urls(*a)
      == std::vector<std::string>{"ssh://git@git.corp.example/team/lib.git"});
    // Both */* and tools/* match: the one with more literal elements wins.
    auto b = locator.locate("corp.example/tools/x/y");
    REQUIRE(b);
    CHECK(b->root == "corp.example/tools/x");
    CHECK(
      urls(*b)
      == std::vector<std::string>{"https://h.example/corp.example/tools/x"});
    // */* is longer than "one" but does not match a two-element path.
    auto c = locator.locate("corp.example/one");
    REQUIRE(c);
    CHECK(urls(*c) == std::vector<std::string>{"https://h.example/one.git"});

    auto qualified = locator.locate("git.other.example/team/lib.git/sub");
    REQUIRE(qualified);
    CHECK(qualified->root == "git.other.example/team/lib.git");
    CHECK(urls(*qualified)
          == std::vector<std::string>{"https://git.other.example/team/lib",
                                      "https://git.other.example/team/lib.git "
                                      "as https://git.other.example/team/lib",
                                      "ssh://git.other.example/team/lib",
                                      "ssh://git.other.example/team/lib.git as "
                                      "ssh://git.other.example/team/lib"});
    auto hub = locator.locate("github.com/user/repo/v3");
    REQUIRE(hub);
    CHECK(hub->root == "github.com/user/repo");
    CHECK(urls(*hub)
          == std::vector<std::string>{"https://github.com/user/repo"});

    auto unknown = locator.locate("unknown.example/x");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("offline") != std::string::npos);
  }

  TEST_CASE(
    "go-get discovery over HTTPS: the go-import tag names the repository, a "
    "404 says to add a rule")
  {
    test::TempDir tmp;
    test::make_pki(tmp.path(), "DNS:corp.example");
    std::vector<std::string> asked;
    test::TlsServer server(tmp.path(), false, [&](httplib::Server& http) {
      http.Get(
        R"(/team/lib.*)",
        [&](const httplib::Request& req, httplib::Response& res) {
          asked.push_back(req.path
                          + "?go-get=" + req.get_param_value("go-get"));
          bool tools = req.path.starts_with("/team/lib/tools");
          bool evil = req.path.starts_with("/team/lib/evil");
          res.set_content(
            std::string("<html><head><meta name=\"go-import\" content=\"")
              + (tools ? "corp.example/team/lib/tools git "
                         "https://git.corp.example/tools.git sub"
                 : evil
                   ? "corp.example/team/lib git https://evil.example/lib.git"
                   : "corp.example/team/lib git "
                     "https://git.corp.example/team/lib.git")
              + "\"></head><body></body></html>",
            "text/html");
        });
    });
    // corp.example resolves nowhere: the proxy's tunnel takes it to the
    // test server, whose certificate is for corp.example.
    test::ConnectProxy proxy(server.port);
    test::HttpsProxyEnv env(proxy.port);
    {
      HttpClientOptions http;
      http.ca_file = (tmp.path() / "ca.pem").string();
      RepoLocator locator({}, false, http);
      auto a = locator.locate("corp.example/team/lib/sub/v2");
      REQUIRE_MESSAGE(a, a.error().message);
      CHECK(a->root == "corp.example/team/lib");
      CHECK(
        urls(*a)
        == std::vector<std::string>{"https://git.corp.example/team/lib.git"});
      CHECK(a->subdir.empty());
      auto t = locator.locate("corp.example/team/lib/tools");
      REQUIRE_MESSAGE(t, t.error().message);
      CHECK(t->root == "corp.example/team/lib/tools");
      CHECK(t->subdir == "sub");
      // Answers are remembered: a second question costs no request.
      REQUIRE(locator.locate("corp.example/team/lib/sub/v2"));
      // The prefix's own page confirms a tag found below it, as go checks.
      CHECK(asked
            == std::vector<std::string>{"/team/lib/sub/v2?go-get=1",
                                        "/team/lib?go-get=1",
                                        "/team/lib/tools?go-get=1"});
      auto evil = locator.locate("corp.example/team/lib/evil");
      REQUIRE_FALSE(evil);
      CHECK(evil.error().message.find(
              "disagree about go-import for corp.example/team/lib")
            != std::string::npos);

      auto missing = locator.locate("corp.example/other");
      REQUIRE_FALSE(missing);
      CHECK(missing.error().message.find("answered 404; add a git_remotes rule")
            != std::string::npos);
    }
  }
}
