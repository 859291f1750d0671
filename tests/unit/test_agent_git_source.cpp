#include "../support/temp_dir.hpp"
#include "../support/tls_fixtures.hpp"

#include <agent/git_source.hpp>
#include <agent/upstream.hpp>

#include <doctest/doctest.h>

#include <cstdlib>

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
    auto rules = parse_git_rules(" corp.example/*=ssh://git@git.corp.example/{path}.git ,\n"
                                 "corp.example/tools/special=https://git.corp.example/tools/special.git");
    REQUIRE(rules);
    REQUIRE(rules->size() == 2);
    CHECK((*rules)[0].pattern == std::vector<std::string>{"corp.example", "*"});
    CHECK((*rules)[0].url_template == "ssh://git@git.corp.example/{path}.git");
    CHECK(parse_git_rules("")->empty());
    auto bad = parse_git_rules("corp.example/*");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("is not PREFIX=URL") != std::string::npos);
    CHECK_FALSE(parse_git_rules("corp.example/*=https://git.corp.example/fixed.git"));
  }

  TEST_CASE("a module's repository: config rules first, then the go command's own rules")
  {
    test::TempDir tmp;
    GitSourceOptions o;
    o.dir = tmp.path();
    o.rules = *parse_git_rules("corp.example/*/*=ssh://git@git.corp.example/{path}.git, corp.example/tools/*=https://h.example/{root}, "
                               "corp.example/one=https://h.example/one.git");
    o.offline = true; // no go-get discovery here
    GitSource git(o);

    auto a = git.locate("corp.example/team/lib/sub/v2");
    REQUIRE(a);
    CHECK(a->root == "corp.example/team/lib");
    CHECK(urls(*a) == std::vector<std::string>{"ssh://git@git.corp.example/team/lib.git"});
    // Both */* and tools/* match: the one with more literal elements wins.
    auto b = git.locate("corp.example/tools/x/y");
    REQUIRE(b);
    CHECK(b->root == "corp.example/tools/x");
    CHECK(urls(*b) == std::vector<std::string>{"https://h.example/corp.example/tools/x"});
    // */* is longer than "one" but does not match a two-element path.
    auto c = git.locate("corp.example/one");
    REQUIRE(c);
    CHECK(urls(*c) == std::vector<std::string>{"https://h.example/one.git"});

    auto qualified = git.locate("git.other.example/team/lib.git/sub");
    REQUIRE(qualified);
    CHECK(qualified->root == "git.other.example/team/lib.git");
    CHECK(urls(*qualified) == std::vector<std::string>{"https://git.other.example/team/lib",
                                                       "https://git.other.example/team/lib.git as https://git.other.example/team/lib",
                                                       "ssh://git.other.example/team/lib",
                                                       "ssh://git.other.example/team/lib.git as ssh://git.other.example/team/lib"});
    auto hub = git.locate("github.com/user/repo/v3");
    REQUIRE(hub);
    CHECK(hub->root == "github.com/user/repo");
    CHECK(urls(*hub) == std::vector<std::string>{"https://github.com/user/repo"});

    auto unknown = git.locate("unknown.example/x");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("offline") != std::string::npos);
  }

  TEST_CASE("go-get discovery over HTTPS: the go-import tag names the repository, a 404 says to add a rule")
  {
    test::TempDir tmp;
    test::make_pki(tmp.path(), "DNS:corp.example");
    std::vector<std::string> asked;
    test::TlsServer server(tmp.path(), false, [&](httplib::Server& http) {
      http.Get(R"(/team/lib.*)", [&](const httplib::Request& req, httplib::Response& res) {
        asked.push_back(req.path + "?go-get=" + req.get_param_value("go-get"));
        bool tools = req.path.starts_with("/team/lib/tools");
        bool evil = req.path.starts_with("/team/lib/evil");
        res.set_content(std::string("<html><head><meta name=\"go-import\" content=\"") +
                          (tools  ? "corp.example/team/lib/tools git https://git.corp.example/tools.git sub"
                           : evil ? "corp.example/team/lib git https://evil.example/lib.git"
                                  : "corp.example/team/lib git https://git.corp.example/team/lib.git") +
                          "\"></head><body></body></html>",
                        "text/html");
      });
    });
    // corp.example resolves nowhere: the proxy's tunnel takes it to the
    // test server, whose certificate is for corp.example.
    test::ConnectProxy proxy(server.port);
    test::HttpsProxyEnv env(proxy.port);
    {
      GitSourceOptions o;
      o.dir = tmp.path() / "git";
      o.http.ca_file = (tmp.path() / "ca.pem").string();
      GitSource git(o);
      auto a = git.locate("corp.example/team/lib/sub/v2");
      REQUIRE_MESSAGE(a, a.error().message);
      CHECK(a->root == "corp.example/team/lib");
      CHECK(urls(*a) == std::vector<std::string>{"https://git.corp.example/team/lib.git"});
      CHECK(a->subdir.empty());
      auto t = git.locate("corp.example/team/lib/tools");
      REQUIRE_MESSAGE(t, t.error().message);
      CHECK(t->root == "corp.example/team/lib/tools");
      CHECK(t->subdir == "sub");
      // Answers are remembered: a second question costs no request.
      REQUIRE(git.locate("corp.example/team/lib/sub/v2"));
      // The prefix's own page confirms a tag found below it, as go checks.
      CHECK(asked == std::vector<std::string>{"/team/lib/sub/v2?go-get=1", "/team/lib?go-get=1", "/team/lib/tools?go-get=1"});
      auto evil = git.locate("corp.example/team/lib/evil");
      REQUIRE_FALSE(evil);
      CHECK(evil.error().message.find("disagree about go-import for corp.example/team/lib") != std::string::npos);

      auto missing = git.locate("corp.example/other");
      REQUIRE_FALSE(missing);
      CHECK(missing.error().message.find("answered 404; add a git_remotes rule") != std::string::npos);
    }
  }

  TEST_CASE("what a run killed mid-fetch left behind is cleared at start")
  {
    test::TempDir tmp;
    auto lock = tmp.write("git/corp.example%lib/refs/heads/main.lock", "");
    auto packed = tmp.write("git/corp.example%lib/packed-refs.lock", "");
    auto zip = tmp.write("git/.zip-123-4", "PK");
    auto pack = tmp.write("git/corp.example%lib/objects/pack/tmp_pack_a1b2c3", "PACK");
    auto kept = tmp.write("git/corp.example%lib/refs/heads/main", "0123");
    GitSourceOptions o;
    o.dir = tmp.path() / "git";
    GitSource git(o);
    CHECK(std::filesystem::exists(lock)); // not by merely constructing it (gpx doctor does)
    git.clear_stale();
    CHECK_FALSE(std::filesystem::exists(lock));
    CHECK_FALSE(std::filesystem::exists(packed));
    CHECK_FALSE(std::filesystem::exists(zip));
    CHECK_FALSE(std::filesystem::exists(pack));
    CHECK(std::filesystem::exists(kept));
  }

  TEST_CASE("mirrors no request used for git_mirror_max_age are removed, the others kept")
  {
    test::TempDir tmp;
    auto old_used = tmp.write("git/corp.example%old/gpx-used", "");
    tmp.write("git/corp.example%old/HEAD", "ref: refs/heads/main\n");
    auto new_used = tmp.write("git/corp.example%new/gpx-used", "");
    std::filesystem::last_write_time(old_used, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 40));
    GitSourceOptions o;
    o.dir = tmp.path() / "git";
    o.mirror_max_age = std::chrono::hours(24 * 30);
    GitSource git(o);
    CHECK(git.expire_unused() == 1);
    CHECK_FALSE(std::filesystem::exists(tmp.path() / "git/corp.example%old"));
    CHECK(std::filesystem::exists(new_used));

    o.mirror_max_age = std::chrono::seconds(0); // never
    GitSource keep(o);
    std::filesystem::last_write_time(new_used, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 400));
    CHECK(keep.expire_unused() == 0);
    CHECK(std::filesystem::exists(new_used));
  }

  TEST_CASE("a GOPROXY path that is no module request is not found, never an error")
  {
    test::TempDir tmp;
    GitSourceOptions o;
    o.dir = tmp.path();
    o.offline = true;
    GitSource git(o);
    auto a = git.get("sumdb/sum.golang.org/latest", nullptr);
    REQUIRE(a);
    CHECK_FALSE(a->found);
    CHECK(a->status == 404);
  }

  TEST_CASE("\"direct\" in the upstream chain asks the git source and ends the walk")
  {
    Upstream none(*parse_proxy_list("direct"), {});
    auto refused = none.get("corp.example/lib/@v/list", 1024);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("no version-control source") != std::string::npos);

    Upstream chain(*parse_proxy_list("off"), {});
    Upstream direct(*parse_proxy_list("direct"), {});
    std::vector<std::string> asked;
    direct.set_direct([&](const std::string& path, const HttpClient::Sink* sink) -> Result<UpstreamAnswer> {
      asked.push_back(path);
      if (sink != nullptr) {
        (void)(*sink)("zip bytes");
      }
      return UpstreamAnswer{true, 200, sink != nullptr ? "" : "v1.0.0\n", "direct"};
    });
    auto list = direct.get("corp.example/lib/@v/list", 1024);
    REQUIRE(list);
    CHECK(list->found);
    CHECK(list->body == "v1.0.0\n");
    std::string streamed;
    auto zip = direct.get_stream("corp.example/lib/@v/v1.0.0.zip", [&](std::string_view d) -> Status {
      streamed += d;
      return {};
    });
    REQUIRE(zip);
    CHECK(streamed == "zip bytes");
    CHECK(asked == std::vector<std::string>{"corp.example/lib/@v/list", "corp.example/lib/@v/v1.0.0.zip"});
    CHECK_FALSE(chain.get("corp.example/lib/@v/list", 1024));
  }
}
