#include "../support/temp_dir.hpp"

#include <agent/git_source.hpp>
#include <agent/upstream.hpp>

#include <doctest/doctest.h>

using namespace gpx;
using namespace gpx::agent;

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
    CHECK(a->urls == std::vector<std::string>{"ssh://git@git.corp.example/team/lib.git"});
    // Both */* and tools/* match: the one with more literal elements wins.
    auto b = git.locate("corp.example/tools/x/y");
    REQUIRE(b);
    CHECK(b->root == "corp.example/tools/x");
    CHECK(b->urls == std::vector<std::string>{"https://h.example/corp.example/tools/x"});
    // */* is longer than "one" but does not match a two-element path.
    auto c = git.locate("corp.example/one");
    REQUIRE(c);
    CHECK(c->urls == std::vector<std::string>{"https://h.example/one.git"});

    auto qualified = git.locate("git.other.example/team/lib.git/sub");
    REQUIRE(qualified);
    CHECK(qualified->root == "git.other.example/team/lib.git");
    CHECK(qualified->urls == std::vector<std::string>{"https://git.other.example/team/lib.git", "ssh://git.other.example/team/lib.git"});
    auto hub = git.locate("github.com/user/repo/v3");
    REQUIRE(hub);
    CHECK(hub->root == "github.com/user/repo");
    CHECK(hub->urls == std::vector<std::string>{"https://github.com/user/repo"});

    auto unknown = git.locate("unknown.example/x");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("offline") != std::string::npos);
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
