#include <gomod/repo_versions.hpp>

#include <doctest/doctest.h>

#include <set>

using namespace gpx;
using namespace gpx::gomod;

namespace {

const std::vector<std::string> k_tags = {
  "v1.0.0",
  "v1.1.0",
  "v1.2.0-pre",
  "v2.0.0",
  "v2.1.0",
  "v3.0.0",
  "junk",
  "v1.0",
  "v1.3.0+meta",
  "v0.0.0-20200101000000-abcdefabcdef",
  "sub/v1.0.0",
  "sub/v2.0.0",
  "sub/v1.1",
  "v4.0.0-rc.1",
};

// has_go_mod from a set of tags that have one; every question is recorded.
struct Repo
{
  std::set<std::string> with_go_mod;
  std::vector<std::string> asked;

  std::function<Result<bool>(const std::string&)>
  fn()
  {
    return [this](const std::string& tag) -> Result<bool> {
      asked.push_back(tag);
      return with_go_mod.count(tag) != 0;
    };
  }
};

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE(
    "a root module without go.mod: canonical tags, v2+ as +incompatible")
  {
    Repo repo;
    auto v = versions_from_tags("corp.example/lib", "", k_tags, repo.fn());
    REQUIRE(v);
    CHECK(*v
          == std::vector<std::string>{"v1.0.0",
                                      "v1.1.0",
                                      "v1.2.0-pre",
                                      "v2.0.0+incompatible",
                                      "v2.1.0+incompatible",
                                      "v3.0.0+incompatible",
                                      "v4.0.0-rc.1+incompatible"});
    // One question for the latest compatible version, one per major.
    CHECK(repo.asked
          == std::vector<std::string>{
            "v1.2.0-pre", "v2.1.0", "v3.0.0", "v4.0.0-rc.1"});
  }

  TEST_CASE("a go.mod at the latest compatible version rules out +incompatible")
  {
    Repo repo{{"v1.2.0-pre"}, {}};
    auto v = versions_from_tags("corp.example/lib", "", k_tags, repo.fn());
    REQUIRE(v);
    CHECK(*v == std::vector<std::string>{"v1.0.0", "v1.1.0", "v1.2.0-pre"});
  }

  TEST_CASE("a go.mod at a major's latest release drops that whole major")
  {
    Repo repo{{"v3.0.0"}, {}};
    auto v = versions_from_tags("corp.example/lib", "", k_tags, repo.fn());
    REQUIRE(v);
    CHECK(*v
          == std::vector<std::string>{"v1.0.0",
                                      "v1.1.0",
                                      "v1.2.0-pre",
                                      "v2.0.0+incompatible",
                                      "v2.1.0+incompatible",
                                      "v4.0.0-rc.1+incompatible"});
  }

  TEST_CASE("major-version paths, subdirectories, gopkg.in")
  {
    Repo repo;
    CHECK(
      versions_from_tags("corp.example/lib/v2", "", k_tags, repo.fn()).value()
      == std::vector<std::string>{"v2.0.0", "v2.1.0"});
    // In a subdirectory: its own tags only, never +incompatible.
    CHECK(versions_from_tags("corp.example/lib/sub", "sub", k_tags, repo.fn())
            .value()
          == std::vector<std::string>{"v1.0.0"});
    CHECK(
      versions_from_tags("corp.example/lib/sub/v2", "sub", k_tags, repo.fn())
        .value()
      == std::vector<std::string>{"v2.0.0"});
    CHECK(versions_from_tags("gopkg.in/lib.v2", "", k_tags, repo.fn()).value()
          == std::vector<std::string>{"v2.0.0", "v2.1.0"});
    CHECK(versions_from_tags("gopkg.in/lib.v2-unstable", "", k_tags, repo.fn())
            .value()
            .empty());
    CHECK(repo.asked.empty());
  }

  TEST_CASE("a repository that cannot answer fails the listing")
  {
    auto v = versions_from_tags(
      "corp.example/lib", "", k_tags, [](const std::string&) -> Result<bool> {
        return make_error(Error::Code::io, "git: object not found");
      });
    REQUIRE_FALSE(v);
    CHECK(v.error().message == "git: object not found");
  }
}
