#include "../support/temp_dir.hpp"

#include <cli/prefetch_graph.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

using namespace gpx::cli;
using gpx::gomod::Version;
using gpx::test::TempDir;

namespace {

// go.mod texts by "path@version", served from several threads.
struct FakeMods
{
  std::map<std::string, std::string> mods;
  std::mutex mutex;
  std::vector<std::string> asked;

  gpx::Result<std::string>
  get(const Version& m)
  {
    std::lock_guard lock(mutex);
    asked.push_back(m.str());
    auto it = mods.find(m.str());
    if (it == mods.end()) {
      return gpx::make_error(gpx::Error::Code::not_found,
                             m.str()
                               + ".mod: the agent answered 404: not found");
    }
    return it->second;
  }
};

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE(
    "load_graph: a level at a time, through the agent, local replacements read "
    "from disk, private modules not followed")
  {
    TempDir t;
    t.write("local/go.mod",
            "module example.com/local\n\nrequire example.com/c v1.0.0\n");
    FakeMods fake;
    fake.mods["example.com/a@v1.0.0"] =
      "module example.com/a\n\nrequire example.com/b v1.0.0\n";
    fake.mods["example.com/b@v1.0.0"] = "module example.com/b\n\ngo 1.21\n";
    fake.mods["example.com/c@v1.0.0"] = "module example.com/c\n\ngo 1.21\n";

    Project p; // go 1.16 and modules without go lines: nothing pruned, every
               // go.mod read
    p.pruned = false;
    p.mains = {"example.com/main"};
    p.roots = {{"example.com/a", "v1.0.0"},
               {"example.com/local", "v1.0.0"},
               {"corp.example/x", "v1.0.0"}};
    gpx::gomod::modfile::Replace to_dir{
      {"example.com/local", ""}, {"./local", ""}, {}};
    p.replace_any["example.com/local"] = to_dir;
    p.replace_dirs["example.com/local"] = t.path();

    std::vector<std::size_t> levels;
    GraphSource source;
    source.get_mod = [&](const Version& m) { return fake.get(m); };
    source.is_private = [](const Version& m) {
      return m.path.starts_with("corp.example/");
    };
    source.jobs = 4;
    source.on_level = [&](std::size_t n) { levels.push_back(n); };
    auto got = load_graph(p, source);
    REQUIRE(got);
    CHECK(got->graph.selected.at("example.com/a") == "v1.0.0");
    CHECK(got->graph.selected.at("example.com/b") == "v1.0.0");
    CHECK(got->graph.selected.at("example.com/c")
          == "v1.0.0"); // required by the local replacement
    CHECK(got->mod_bodies.count("example.com/a@v1.0.0") == 1);
    CHECK(got->mod_bodies.count("example.com/local@v1.0.0") == 0);
    for (const auto& asked : fake.asked) {
      CHECK(asked.find("corp.example") == std::string::npos);
      CHECK(asked.find("example.com/local") == std::string::npos);
    }
    REQUIRE(levels.size() >= 2);
    CHECK(levels.front() == 3);
    for (std::size_t i = 1; i < levels.size(); ++i) {
      CHECK(levels[i] > levels[i - 1]);
    }
  }

  TEST_CASE(
    "load_graph: a go.mod the agent cannot serve fails the load, naming it")
  {
    FakeMods fake;
    fake.mods["example.com/a@v1.0.0"] =
      "module example.com/a\n\nrequire example.com/gone v1.0.0\n";
    Project p; // go 1.16 and modules without go lines: nothing pruned, every
               // go.mod read
    p.pruned = false;
    p.mains = {"example.com/main"};
    p.roots = {{"example.com/a", "v1.0.0"}};
    GraphSource source;
    source.get_mod = [&](const Version& m) { return fake.get(m); };
    auto got = load_graph(p, source);
    REQUIRE_FALSE(got);
    CHECK(got.error().message.find(
            "example.com/gone@v1.0.0.mod: the agent answered 404")
          != std::string::npos);
  }
}
