#include <gomod/modgraph.hpp>

#include <doctest/doctest.h>

#include <map>

using namespace gpx;
using namespace gpx::gomod;
using modgraph::Summary;

namespace {

// A module world: "path@version" → summary.
struct World
{
  std::map<std::string, Summary> mods;
  std::vector<std::string> asked;

  modgraph::Loader
  loader()
  {
    return [this](const std::vector<Version>& batch) {
      std::vector<Result<Summary>> out;
      for (const auto& m : batch) {
        asked.push_back(m.str());
        auto it = mods.find(m.str());
        if (it == mods.end()) {
          out.emplace_back(
            make_error(Error::Code::not_found, "no such module version"));
        } else {
          out.emplace_back(it->second);
        }
      }
      return out;
    };
  }
};

Version
v(const std::string& path, const std::string& version)
{
  return {path, version};
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE(
    "pruned graphs stop below pruned modules; unpruned ones load everything")
  {
    World w;
    // a (go 1.17, pruned) requires b; b requires c v1.1.0.
    // u (go 1.16, unpruned) requires d; d requires c v1.2.0.
    w.mods["ex.com/a@v1.0.0"] = {"1.17", {v("ex.com/b", "v1.0.0")}};
    w.mods["ex.com/b@v1.0.0"] = {"1.17", {v("ex.com/c", "v1.1.0")}};
    w.mods["ex.com/u@v1.0.0"] = {"1.16", {v("ex.com/d", "v1.0.0")}};
    w.mods["ex.com/d@v1.0.0"] = {"1.18", {v("ex.com/c", "v1.2.0")}};
    w.mods["ex.com/c@v1.2.0"] = {"1.18", {v("ex.com/e", "v1.0.0")}};
    w.mods["ex.com/e@v1.0.0"] = {"1.18", {}};

    modgraph::Roots pruned{{v("ex.com/a", "v1.0.0"), v("ex.com/u", "v1.0.0")},
                           {"ex.com/main"},
                           true,
                           {}};
    auto g = modgraph::load(pruned, w.loader());
    REQUIRE(g);
    // b is a node (a requires it) but, a being pruned, b's go.mod is not read.
    CHECK(g->nodes.count({"ex.com/b", "v1.0.0"}) == 1);
    CHECK(g->loaded.count({"ex.com/b", "v1.0.0"}) == 0);
    // Below the unpruned u everything is loaded, pruned or not.
    CHECK(g->loaded.count({"ex.com/d", "v1.0.0"}) == 1);
    CHECK(g->loaded.count({"ex.com/c", "v1.2.0"}) == 1);
    CHECK(g->loaded.count({"ex.com/e", "v1.0.0"}) == 1);
    CHECK(g->selected.at("ex.com/c") == "v1.2.0");

    // The same world from an unpruned main module: every go.mod is read.
    w.asked.clear();
    modgraph::Roots unpruned{
      {v("ex.com/a", "v1.0.0")}, {"ex.com/main"}, false, {}};
    w.mods["ex.com/c@v1.1.0"] = {"1.17", {}};
    auto all = modgraph::load(unpruned, w.loader());
    REQUIRE(all);
    CHECK(all->loaded.count({"ex.com/b", "v1.0.0"}) == 1);
    CHECK(all->loaded.count({"ex.com/c", "v1.1.0"}) == 1);
    CHECK(all->selected.at("ex.com/c") == "v1.1.0");
  }

  TEST_CASE(
    "excluded versions and requirements on the main module are dropped; each "
    "go.mod is read once")
  {
    World w;
    w.mods["ex.com/a@v1.0.0"] = {
      "1.16", {v("ex.com/b", "v1.1.0"), v("ex.com/main", "v0.9.0")}};
    w.mods["ex.com/a@v1.1.0"] = {"1.16", {v("ex.com/b", "v1.0.0")}};
    w.mods["ex.com/b@v1.0.0"] = {"1.16", {v("ex.com/a", "v1.0.0")}};
    modgraph::Roots r{
      {v("ex.com/a", "v1.0.0"), v("ex.com/a", "v1.1.0")},
      {"ex.com/main"},
      false,
      [](const Version& m) { return m.str() == "ex.com/b@v1.1.0"; }};
    auto g = modgraph::load(r, w.loader());
    REQUIRE(g);
    CHECK(g->nodes.count({"ex.com/b", "v1.1.0"}) == 0);
    CHECK(g->selected.at("ex.com/b") == "v1.0.0");
    CHECK(g->selected.at("ex.com/a") == "v1.1.0");
    CHECK(g->selected.count("ex.com/main") == 0);
    CHECK(w.asked.size()
          == 3); // a@v1.0.0, a@v1.1.0, b@v1.0.0: the cycle is read once
  }

  TEST_CASE("a go.mod that cannot be loaded fails the load, naming it")
  {
    World w;
    modgraph::Roots r{
      {v("ex.com/missing", "v1.0.0")}, {"ex.com/main"}, true, {}};
    auto g = modgraph::load(r, w.loader());
    REQUIRE_FALSE(g);
    CHECK(g.error().message.find("ex.com/missing@v1.0.0") != std::string::npos);
  }

  TEST_CASE("prunes follows the go line")
  {
    CHECK(modgraph::prunes("1.17"));
    CHECK(modgraph::prunes("1.21.0"));
    CHECK_FALSE(modgraph::prunes("1.16"));
    CHECK_FALSE(modgraph::prunes(""));
  }
}
