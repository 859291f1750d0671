#include <cli/prefetch_build.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace gpx::cli;

namespace {

bool
has(const std::vector<std::string>& v, const std::string& s)
{
  return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE(
    "parse_module_lines: one module version per package line; the standard "
    "library and main modules print nothing")
  {
    auto got = parse_module_lines(
      "\n\nrsc.io/quote@v1.5.2\nrsc.io/sampler@v1.3.0\r\nrsc.io/quote@v1.5.2\n"
      "golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c\n@\nbad@\n@v1.0.0");
    CHECK(got
          == std::set<std::string>{
            "golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c",
            "rsc.io/quote@v1.5.2",
            "rsc.io/sampler@v1.3.0"});
    CHECK(parse_module_lines("").empty());
  }

  TEST_CASE(
    "go_list_command: the main modules' packages without tests, through the "
    "agent, never writing the user's files")
  {
    Project mod;
    mod.file = "/src/app/go.mod";
    mod.mains = {"example.com/app"};
    auto c = go_list_command(mod, "http://127.0.0.1:7070", "/tmp/scratch");
    CHECK(std::vector<std::string>(c.argv.begin(), c.argv.begin() + 4)
          == std::vector<std::string>{"go", "list", "-e", "-deps"});
    CHECK_FALSE(has(c.argv, "-test"));
    CHECK(has(c.argv, "-mod=mod"));
    CHECK(has(c.argv, "-modfile=/tmp/scratch/go.mod"));
    CHECK(c.argv.back() == "example.com/app/...");
    CHECK(has(c.env, "GOPROXY=http://127.0.0.1:7070"));
    CHECK(has(c.env, "GOMODCACHE=/tmp/scratch/mod"));
    CHECK(has(c.env, "GOWORK=off"));

    Project ws;
    ws.file = "/src/ws/go.work";
    ws.workspace = true;
    ws.mains = {"example.com/a", "example.com/b"};
    c = go_list_command(ws, "http://127.0.0.1:7070", "/tmp/scratch");
    CHECK(has(c.argv, "-mod=readonly")); // the only -mod a workspace allows
    CHECK_FALSE(std::any_of(c.argv.begin(), c.argv.end(), [](const auto& a) {
      return a.starts_with("-modfile");
    }));
    CHECK(has(c.argv, "example.com/a/..."));
    CHECK(has(c.argv, "example.com/b/..."));
    CHECK(has(c.env, "GOWORK=/src/ws/go.work"));
  }
}
