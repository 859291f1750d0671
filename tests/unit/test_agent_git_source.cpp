#include "../support/temp_dir.hpp"

#include <agent/git_source.hpp>
#include <agent/upstream.hpp>

#include <doctest/doctest.h>

#include <cstdlib>

using namespace gpx;
using namespace gpx::agent;

TEST_SUITE("agent")
{
  TEST_CASE("what a run killed mid-fetch left behind is cleared at start")
  {
    test::TempDir tmp;
    auto lock = tmp.write("git/corp.example%lib/refs/heads/main.lock", "");
    auto packed = tmp.write("git/corp.example%lib/packed-refs.lock", "");
    auto zip = tmp.write("git/.zip-123-4", "PK");
    auto pack =
      tmp.write("git/corp.example%lib/objects/pack/tmp_pack_a1b2c3", "PACK");
    auto kept = tmp.write("git/corp.example%lib/refs/heads/main", "0123");
    GitSourceOptions o;
    o.dir = tmp.path() / "git";
    GitSource git(o);
    CHECK(std::filesystem::exists(
      lock)); // not by merely constructing it (gpx doctor does)
    git.clear_stale();
    CHECK_FALSE(std::filesystem::exists(lock));
    CHECK_FALSE(std::filesystem::exists(packed));
    CHECK_FALSE(std::filesystem::exists(zip));
    CHECK_FALSE(std::filesystem::exists(pack));
    CHECK(std::filesystem::exists(kept));
  }

  TEST_CASE(
    "mirrors no request used for git_mirror_max_age are removed, the others "
    "kept")
  {
    test::TempDir tmp;
    auto old_used = tmp.write("git/corp.example%old/gpx-used", "");
    tmp.write("git/corp.example%old/HEAD", "ref: refs/heads/main\n");
    auto new_used = tmp.write("git/corp.example%new/gpx-used", "");
    std::filesystem::last_write_time(
      old_used,
      std::filesystem::file_time_type::clock::now()
        - std::chrono::hours(24 * 40));
    GitSourceOptions o;
    o.dir = tmp.path() / "git";
    o.mirror_max_age = std::chrono::hours(24 * 30);
    GitSource git(o);
    CHECK(git.expire_unused() == 1);
    CHECK_FALSE(std::filesystem::exists(tmp.path() / "git/corp.example%old"));
    CHECK(std::filesystem::exists(new_used));

    o.mirror_max_age = std::chrono::seconds(0); // never
    GitSource keep(o);
    std::filesystem::last_write_time(
      new_used,
      std::filesystem::file_time_type::clock::now()
        - std::chrono::hours(24 * 400));
    CHECK(keep.expire_unused() == 0);
    CHECK(std::filesystem::exists(new_used));
  }

  TEST_CASE(
    "a GOPROXY path that is no module request is not found, never an error")
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

  TEST_CASE(
    "\"direct\" in the upstream chain asks the git source and ends the walk")
  {
    Upstream none(*parse_proxy_list("direct"), {});
    auto refused = none.get("corp.example/lib/@v/list", 1024);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("no version-control source")
          != std::string::npos);

    Upstream chain(*parse_proxy_list("off"), {});
    Upstream direct(*parse_proxy_list("direct"), {});
    std::vector<std::string> asked;
    direct.set_direct(
      [&](const std::string& path,
          const HttpClient::Sink* sink) -> Result<UpstreamAnswer> {
        asked.push_back(path);
        if (sink != nullptr) {
          (void)(*sink)("zip bytes");
        }
        return UpstreamAnswer{
          true, 200, sink != nullptr ? "" : "v1.0.0\n", "direct"};
      });
    auto list = direct.get("corp.example/lib/@v/list", 1024);
    REQUIRE(list);
    CHECK(list->found);
    CHECK(list->body == "v1.0.0\n");
    std::string streamed;
    auto zip = direct.get_stream("corp.example/lib/@v/v1.0.0.zip",
                                 [&](std::string_view d) -> Status {
                                   streamed += d;
                                   return {};
                                 });
    REQUIRE(zip);
    CHECK(streamed == "zip bytes");
    CHECK(asked
          == std::vector<std::string>{"corp.example/lib/@v/list",
                                      "corp.example/lib/@v/v1.0.0.zip"});
    CHECK_FALSE(chain.get("corp.example/lib/@v/list", 1024));
  }
}
